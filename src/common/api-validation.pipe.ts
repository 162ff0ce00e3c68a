import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { textProblems } from './clean-text';
import { DomainError } from './domain-error';

/**
 * The one pipe every body, query and path parameter passes through. Before class-transformer and
 * class-validator see a value, it refuses text that cannot be stored or processed (NUL, lone
 * surrogates), naming the field, so no DTO needs to remember to.
 */
export class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const problems = textProblems(value, metadata.data ?? '');
      if (problems.length > 0) {
        throw new DomainError(
          'invalid',
          problems.map((problem) => problem.message),
        );
      }
    }
    return super.transform(value, metadata);
  }
}
