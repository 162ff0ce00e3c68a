import { ApiProperty } from '@nestjs/swagger';
import { Role, ROLES } from '../../auth/role';
import { UserView } from '../user.entity';

/** An account as admins see it (UserView). */
export class UserDto implements UserView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'rater1@example.org' })
  email!: string;

  @ApiProperty({ example: 'Dr. Rater One' })
  name!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  roles!: Role[];

  @ApiProperty({ description: 'Inactive accounts cannot sign in' })
  active!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}
