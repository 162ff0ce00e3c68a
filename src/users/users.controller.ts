import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/principal';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { UuidParam } from '../common/validation';
import { CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { UserDto } from './dto/user-responses.dto';
import { UserView } from './user.entity';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiSignedIn()
@Controller('users')
@Roles('admin')
export class UsersController {
  constructor(private readonly usersService: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create an account' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors(400, 409, 413, 415)
  create(@CurrentUser() principal: Principal, @Body() body: CreateUserDto): Promise<UserView> {
    return this.usersService.create(principal, body);
  }

  @Get()
  @ApiOperation({ summary: 'All accounts' })
  @ApiOkResponse({ type: [UserDto] })
  list(): Promise<UserView[]> {
    return this.usersService.list();
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename, change roles, or (de)activate; deactivation ends sessions' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(400, 404, 413, 415)
  update(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserView> {
    return this.usersService.update(principal, id, body);
  }
}
