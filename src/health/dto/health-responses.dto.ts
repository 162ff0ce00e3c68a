import { ApiProperty } from '@nestjs/swagger';
import { Dependency, HealthReport, LivenessReport, ReadinessReport } from '../health.service';

export class HealthReportDto implements HealthReport {
  @ApiProperty({ enum: ['ok', 'error'] })
  status!: 'ok' | 'error';

  @ApiProperty({ enum: ['up', 'down'] })
  db!: Dependency;

  @ApiProperty({ enum: ['up', 'down'] })
  redis!: Dependency;
}

export class LivenessReportDto implements LivenessReport {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

export class ReadinessReportDto extends HealthReportDto implements ReadinessReport {
  @ApiProperty({ enum: ['up', 'down'], description: 'The photo store (local disk or S3)' })
  storage!: Dependency;
}
