import { describe, expect, it } from 'vitest';
import { HubError, isHubError } from '../errors.js';
import { describeListenError, listenErrno } from './listen-error.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`listen ${code}`), { code });

describe('listen errors', () => {
  it('find the errno on the error, its cause chain or its message', () => {
    expect(listenErrno(errno('EADDRINUSE'))).toBe('EADDRINUSE');
    expect(listenErrno(new HubError('FH_LISTEN_FAILED', 'x', { cause: errno('EACCES') }))).toBe('EACCES');
    expect(listenErrno(new Error('cannot listen: EADDRNOTAVAIL'))).toBe('EADDRNOTAVAIL');
    expect(listenErrno(new Error('other'))).toBeUndefined();
  });

  it('name the flag and config key, and the ways out of a privileged port', () => {
    const inUse = describeListenError(errno('EADDRINUSE'), 'mqtt', '0.0.0.0', 8883) as HubError;
    expect(isHubError(inUse, 'FH_LISTEN_FAILED')).toBe(true);
    expect(inUse.message).toBe('cannot listen for MQTT on 0.0.0.0:8883: the port is in use (another fieldhub, broker or web server?); choose another port with --mqtt-port N or the config key mqtt.port');
    const privileged = describeListenError(errno('EACCES'), 'https', '0.0.0.0', 443) as HubError;
    expect(privileged.message).toMatch(/port 443 is privileged .*run as root.*setcap cap_net_bind_service.*--https-port N or the config key https\.port/);
    const address = describeListenError(errno('EADDRNOTAVAIL'), 'https', '10.9.9.9', 8443) as HubError;
    expect(address.message).toContain('--bind ADDR or the config key bindAddress');
    const other = new HubError('FH_STORE_LOCKED', 'locked');
    expect(describeListenError(other, 'https', 'h', 1)).toBe(other);
  });
});
