import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/auth.repository';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { UuidParam } from '../common/validation';
import { CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { UserView } from './user.entity';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
@Roles('admin')
export class UsersController {
  constructor(private readonly usersService: UsersService) {}

  @Post()
  create(@CurrentUser() principal: Principal, @Body() body: CreateUserDto): Promise<UserView> {
    return this.usersService.create(principal, body);
  }

  @Get()
  list(): Promise<UserView[]> {
    return this.usersService.list();
  }

  @Patch(':id')
  update(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserView> {
    return this.usersService.update(principal, id, body);
  }
}
