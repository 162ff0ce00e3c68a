import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StudiesModule } from '../studies/studies.module';
import { ImportEntity } from './import.entity';
import { PhotoImageEntity } from './photo-image.entity';
import { PhotoSetEntity } from './photo-set.entity';
import { SubjectEntity } from './subject.entity';

@Module({})
export class PhotoSetsModule {
  static register({ workers }: { workers: boolean }): DynamicModule {
    void workers;
    return {
      module: PhotoSetsModule,
      imports: [
        TypeOrmModule.forFeature([SubjectEntity, PhotoSetEntity, PhotoImageEntity, ImportEntity]),
        StudiesModule,
      ],
      exports: [TypeOrmModule],
    };
  }
}
