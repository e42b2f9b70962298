/**
 * Device telemetry over the HTTPS device API (`POST /devices/{id}/messages/events`), sent raw with
 * the device's own SAS token so a test sees the exact status and error body the hub answers (the
 * device SDK's HTTP transport would retry a 503 and hide it).
 */
import https from 'node:https';
import { signSas } from '../../../hub-core/core/sas.js';
import type { E2eHub } from './hub.js';

export interface DeviceHttpsReply {
  status: number;
  text: string;
}

export function sendDeviceHttps(hub: E2eHub, deviceId: string, key: string, body: string): Promise<DeviceHttpsReply> {
  const token = signSas(`${hub.ip}/devices/${deviceId}`, key, Math.floor(Date.now() / 1000) + 3600);
  const data = Buffer.from(body);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: hub.ip, port: hub.hub.ports.https, method: 'POST', ca: hub.caPem,
      path: `/devices/${encodeURIComponent(deviceId)}/messages/events?api-version=2021-04-12`,
      headers: { authorization: token, 'content-type': 'application/octet-stream', 'content-length': data.length },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}
