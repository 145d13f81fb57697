import { describe, expect, it } from '@jest/globals';
import { isDataException, sqlState } from './sql-state.js';

describe('sqlState', () => {
  it('reads the SQLSTATE Prisma keeps from the driver adapter', () => {
    const prismaError = { code: 'P2039', meta: { driverAdapterError: { cause: { originalCode: '22021', kind: 'postgres' } } } };
    expect(sqlState(prismaError)).toBe('22021');
    expect(isDataException(prismaError)).toBe(true);
  });

  it('reads pg errors, and nothing from other errors', () => {
    expect(sqlState({ code: '40001' })).toBe('40001');
    expect(sqlState(new Error('x'))).toBeNull();
    expect(sqlState(null)).toBeNull();
    expect(isDataException({ code: 'P2002' })).toBe(false);
  });
});
