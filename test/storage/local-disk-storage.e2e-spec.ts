import { storageContract } from './storage-contract';

storageContract('local');
