import { describe, expect, it } from '@jest/globals';
import { isDatabaseUnavailable, isDataException, sqlState } from './sql-state.js';

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

describe('isDatabaseUnavailable', () => {
  it('knows a database that went away, as Prisma and pg report it', () => {
    // Shapes recorded from Prisma 7 with adapter-pg: a refused connection, a terminated backend.
    expect(isDatabaseUnavailable({ code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 1 } } } })).toBe(true);
    expect(isDatabaseUnavailable({ code: 'P2010', meta: { driverAdapterError: { cause: { originalCode: '57P01', kind: 'postgres' } } } })).toBe(true);
    expect(isDatabaseUnavailable({ code: 'P2024' })).toBe(true);
    expect(isDatabaseUnavailable({ code: '08006' })).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('leaves every other error alone', () => {
    expect(isDatabaseUnavailable({ code: 'P2002' })).toBe(false);
    expect(isDatabaseUnavailable({ code: 'P2010', meta: { driverAdapterError: { cause: { originalCode: '22021', kind: 'postgres' } } } })).toBe(false);
    expect(isDatabaseUnavailable(new Error('x'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
