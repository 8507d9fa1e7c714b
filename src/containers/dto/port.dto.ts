import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsIP, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { ContainersErrorCode } from '../containers.errors';

const port = {
  context: { code: ContainersErrorCode.INVALID_PORT },
  message: '$property must be an integer from 1 to 65535',
};

export class PortDto {
  @ApiProperty({ example: 8080 })
  @IsInt(port)
  @Min(1, port)
  @Max(65535, port)
  host!: number;

  @ApiProperty({ example: 80 })
  @IsInt(port)
  @Min(1, port)
  @Max(65535, port)
  container!: number;

  @ApiProperty({ enum: ['tcp', 'udp'], default: 'tcp', required: false })
  @IsOptional()
  @IsIn(['tcp', 'udp'], {
    context: { code: ContainersErrorCode.INVALID_PROTOCOL },
    message: 'protocol must be tcp or udp',
  })
  protocol?: 'tcp' | 'udp';

  @ApiProperty({
    required: false,
    example: '127.0.0.1',
    description: 'Host address to publish on (IPv4 or IPv6); PORT_BIND_ADDRESS when omitted',
  })
  @IsOptional()
  @IsIP(undefined, {
    context: { code: ContainersErrorCode.INVALID_HOST_IP },
    message: 'host_ip must be an IPv4 or IPv6 address',
  })
  host_ip?: string;
}

export class PortsDto {
  @ApiProperty({ type: [PortDto] })
  @IsArray({ context: { code: ContainersErrorCode.INVALID_PORTS }, message: 'ports must be an array' })
  @ArrayMaxSize(100, { context: { code: ContainersErrorCode.INVALID_PORTS } })
  @ValidateNested({ each: true })
  @Type(() => PortDto)
  ports!: PortDto[];
}
