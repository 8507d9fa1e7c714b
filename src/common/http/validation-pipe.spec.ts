import { IsInt, IsOptional, IsString } from 'class-validator';
import { Type } from 'class-transformer';
import { ValidationError } from '../errors/app-error';
import { createValidationPipe } from './validation-pipe';

class OptionalQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ context: { code: 'INVALID_LIMIT' } })
  limit?: number;
}

class RequiredQuery {
  @IsString({ context: { code: 'INVALID_NAME' } })
  name!: string;
}

describe('the global validation pipe with an empty query', () => {
  const pipe = createValidationPipe();
  const query = (metatype: new () => object) => ({ type: 'query' as const, metatype });

  it('gives every request its own instance of the DTO, validated once', async () => {
    const a = await pipe.transform({}, query(OptionalQuery));
    const b = await pipe.transform({}, query(OptionalQuery));
    expect(a).toBeInstanceOf(OptionalQuery);
    expect(b).toBeInstanceOf(OptionalQuery);
    expect(a).not.toBe(b);
    (a as OptionalQuery).limit = 5;
    expect((b as OptionalQuery).limit).toBeUndefined();
  });

  it('refuses an empty query every time when the DTO needs a field', async () => {
    for (let i = 0; i < 2; i += 1) {
      await expect(pipe.transform({}, query(RequiredQuery))).rejects.toMatchObject({ code: 'INVALID_NAME' });
    }
  });

  it('still validates a query with parameters in full (no memo)', async () => {
    await expect(pipe.transform({ limit: 'x' }, query(OptionalQuery))).rejects.toBeInstanceOf(ValidationError);
    await expect(pipe.transform({ other: '1' }, query(OptionalQuery))).rejects.toMatchObject({ code: 'UNKNOWN_FIELD' });
    expect(await pipe.transform({ limit: '3' }, query(OptionalQuery))).toEqual({ limit: 3 });
  });
});
