import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI shapes of the stats answers (see stats-sample.ts); the service returns plain objects. */
export class CpuFiguresDto {
  @ApiProperty({ description: "Percent of the container's `cpus` limit (of the host's cores when it has none)" })
  percent_of_limit!: number;
  @ApiProperty({ description: 'Percent of the whole host' }) percent_of_host!: number;
  @ApiProperty({ description: 'The cores percent_of_limit is measured against' }) limit_cpus!: number;
}

export class MemoryFiguresDto {
  @ApiProperty() usage_bytes!: number;
  @ApiProperty() limit_bytes!: number;
  @ApiProperty() percent!: number;
}

export class NetworkFiguresDto {
  @ApiProperty() rx_bytes!: number;
  @ApiProperty() tx_bytes!: number;
}

export class BlockIoFiguresDto {
  @ApiProperty() read_bytes!: number;
  @ApiProperty() write_bytes!: number;
}

export class StatsSampleDto {
  @ApiProperty({ example: 'c123e4567-e89b-42d3-a456-426614174000' }) cuid!: string;
  @ApiProperty({ description: 'ISO 8601 with offset' }) sampled_at!: string;
  @ApiProperty({ type: CpuFiguresDto }) cpu!: CpuFiguresDto;
  @ApiProperty({ type: MemoryFiguresDto }) memory!: MemoryFiguresDto;
  @ApiProperty() pids!: number;
  @ApiProperty({ type: NetworkFiguresDto }) network!: NetworkFiguresDto;
  @ApiProperty({ type: BlockIoFiguresDto }) block_io!: BlockIoFiguresDto;
}

export class StatsOverviewDto {
  @ApiProperty({ description: 'ISO 8601 with offset' }) sampled_at!: string;
  @ApiProperty({ type: [StatsSampleDto], description: 'One sample per running container' })
  containers!: StatsSampleDto[];
}
