import { Controller, Get, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { HealthReportDto, LivenessReportDto, ReadinessReportDto } from './dto/health-responses.dto';
import { HealthReport, HealthService, LivenessReport, ReadinessReport } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'The database and Redis (prefer /health/ready and /health/live)' })
  @ApiOkResponse({ type: HealthReportDto, description: 'Ready' })
  @ApiServiceUnavailableResponse({ type: HealthReportDto, description: 'A dependency is down' })
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.health.check();
    response.status(report.status === 'ok' ? 200 : 503);
    response.setHeader('Cache-Control', 'no-store');
    return report;
  }

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up (no dependency is checked)' })
  @ApiOkResponse({ type: LivenessReportDto, description: 'Alive' })
  live(@Res({ passthrough: true }) response: Response): LivenessReport {
    response.setHeader('Cache-Control', 'no-store');
    return this.health.live();
  }

  @Public()
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: Postgres, Redis and the photo store all answer' })
  @ApiOkResponse({ type: ReadinessReportDto, description: 'Ready for traffic' })
  @ApiServiceUnavailableResponse({
    type: ReadinessReportDto,
    description: 'A dependency is down; the report names it',
  })
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessReport> {
    const report = await this.health.ready();
    response.status(report.status === 'ok' ? 200 : 503);
    response.setHeader('Cache-Control', 'no-store');
    return report;
  }
}
