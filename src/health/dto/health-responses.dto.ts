import { ApiProperty } from '@nestjs/swagger';
import { Dependency, HealthReport } from '../health.service';

export class HealthReportDto implements HealthReport {
  @ApiProperty({ enum: ['ok', 'error'] })
  status!: 'ok' | 'error';

  @ApiProperty({ enum: ['up', 'down'] })
  db!: Dependency;

  @ApiProperty({ enum: ['up', 'down'] })
  redis!: Dependency;
}
