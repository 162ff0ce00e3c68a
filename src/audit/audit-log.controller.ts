import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { Checkpoint } from './audit-checkpoint';
import {
  AuditLogService,
  CheckpointPage,
  ConsistencyProofView,
  InclusionProofView,
  PublicKeyView,
} from './audit-log.service';
import {
  CheckpointDto,
  CheckpointListQueryDto,
  CheckpointPageDto,
  CheckpointParamsDto,
  ConsistencyProofDto,
  ConsistencyProofQueryDto,
  InclusionProofDto,
  InclusionProofQueryDto,
  PublicKeyDto,
} from './dto/audit-log.dto';

/**
 * The signed log for auditors: checkpoints to take away, the key to check them with, and proofs
 * against them. Anyone else signed in gets 404 from the guard, as for the rest of /audit.
 */
@ApiTags('audit')
@ApiSignedIn()
@ApiErrors(404)
@Controller('audit')
@Roles('auditor', 'admin')
export class AuditLogController {
  constructor(private readonly log: AuditLogService) {}

  @Get('checkpoints')
  @ApiOperation({ summary: 'Signed checkpoints, newest first by default, keyset-paged' })
  @ApiOkResponse({ type: CheckpointPageDto })
  @ApiErrors(400)
  checkpoints(@Query() query: CheckpointListQueryDto): Promise<CheckpointPage> {
    return this.log.checkpoints(query);
  }

  @Get('checkpoints/latest')
  @ApiOperation({ summary: 'The latest signed checkpoint: keep it outside the database' })
  @ApiOkResponse({ type: CheckpointDto })
  latest(): Promise<Checkpoint> {
    return this.log.latest();
  }

  @Get('checkpoints/:treeSize')
  @ApiOperation({ summary: 'The signed checkpoint of one tree size' })
  @ApiOkResponse({ type: CheckpointDto })
  @ApiErrors(400)
  checkpoint(@Param() params: CheckpointParamsDto): Promise<Checkpoint> {
    return this.log.checkpoint(params.treeSize);
  }

  @Get('public-key')
  @ApiOperation({ summary: 'The Ed25519 public key that checkpoints are signed with' })
  @ApiOkResponse({ type: PublicKeyDto })
  publicKey(): PublicKeyView {
    return this.log.publicKey();
  }

  @Get('proofs/inclusion')
  @ApiOperation({
    summary: "An event's inclusion proof against a checkpoint (the latest by default)",
  })
  @ApiOkResponse({ type: InclusionProofDto })
  @ApiErrors(400, 409)
  inclusion(@Query() query: InclusionProofQueryDto): Promise<InclusionProofView> {
    return this.log.inclusionProof(query.seq, query.treeSize);
  }

  @Get('proofs/consistency')
  @ApiOperation({ summary: 'That one checkpoint’s tree is a prefix of a later one’s' })
  @ApiOkResponse({ type: ConsistencyProofDto })
  @ApiErrors(400, 409)
  consistency(@Query() query: ConsistencyProofQueryDto): Promise<ConsistencyProofView> {
    return this.log.consistencyProof(query.from, query.to);
  }
}
