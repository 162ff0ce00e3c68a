import { storageContract } from './storage-contract';

storageContract('s3');
