/**
 * Floor for score submission: a bare NestJS app (Express adapter, TypeORM on Postgres) with one
 * endpoint that inserts one row. No guard, validation, logging or audit: what a request through
 * Nest + TypeORM costs at the least. Written for the bench alone; imports nothing from src/.
 *
 *   DATABASE_URL=… PORT=… node -r ./scripts/swc-register.cjs bench/floors/nest-insert.ts
 */
import 'reflect-metadata';
import { Body, Controller, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@Controller()
class FloorController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Post('floor')
  async insert(@Body() body: Record<string, number>): Promise<{ id: string }> {
    const [row] = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO bench_floor (top, back, "left", "right") VALUES ($1, $2, $3, $4) RETURNING id`,
      [body.top, body.back, body.left, body.right],
    );
    return { id: row.id };
  }
}

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'postgres',
      url: process.env.DATABASE_URL,
      synchronize: false,
      extra: { max: 20 },
    }),
  ],
  controllers: [FloorController],
})
class FloorModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(FloorModule, { logger: false });
  await app.listen(Number(process.env.PORT));
  console.log('ready');
}

void main();
