import { ApiProperty, OmitType } from '@nestjs/swagger';
import { UserDto } from '../../users/dto/user-responses.dto';
import { TokenView } from '../auth.service';

export class LoginResponseDto {
  @ApiProperty({ type: () => UserDto })
  user!: UserDto;
}

/** The signed-in user, as GET /auth/me answers. */
export class MeDto extends OmitType(UserDto, ['active', 'createdAt'] as const) {}

/** A personal API token; its secret is never listed. */
export class TokenDto implements TokenView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'export script' })
  name!: string;

  @ApiProperty({
    enum: ['read', 'full'],
    description: '`read`: GET requests only; `full`: everything the owner may do',
  })
  scope!: 'read' | 'full';

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt!: string | null;
}

export class CreatedTokenDto extends TokenDto {
  @ApiProperty({ description: 'The secret for `Authorization: Bearer`; shown only this once' })
  token!: string;
}
