import { BadGatewayException } from '@nestjs/common';
import { BlockedDestinationError, NetworkError, UnresolvableHostError } from '#networks/errors.js';
import type { OutboundHttp } from '#networks/http/outbound-http.js';
import { invalidField } from '../common/errors.js';

/** A server URL a person gave: https and public (unless allowed), or a 400 naming the field. */
export async function checkedServerUrl(outbound: OutboundHttp, raw: string, field: string): Promise<string> {
  try {
    return await outbound.guard.checkServerUrl(raw);
  } catch (err) {
    if (err instanceof BlockedDestinationError) throw invalidField(field, err.reason);
    if (err instanceof UnresolvableHostError) throw invalidField(field, `cannot be resolved (${err.host})`);
    throw err;
  }
}

/** Connecting an account: the network's refusal is a 400 naming the field, its absence a 502. */
export async function onNetwork<T>(call: () => Promise<T>, field: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof NetworkError)) throw err;
    if (err.kind === 'auth') throw invalidField(field, `was refused (${err.message})`);
    if (err.kind === 'permanent') throw invalidField(field, err.message);
    // A name that resolves to nothing is a typo in what the person gave, not a server failing.
    if (/\bENOTFOUND\b/.test(err.message)) throw invalidField(field, `names a host that does not exist (${err.message})`);
    throw new BadGatewayException(`The server could not be reached or failed: ${err.message}`);
  }
}
