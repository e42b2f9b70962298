import rhea, { type Message as AmqpMessage } from 'rhea';
import { describe, expect, it } from 'vitest';
import { bodyBytes, decodeInbound, encodeC2d, encodeFeedback, idToString, idToWire } from './message-codec.js';
import { decodeMethodResponse, encodeCbsReply, encodeMethodRequest, encodeTwinResponse, parseCbsRequest } from './rpc-codec.js';
import { MethodIds } from './rpc-links.js';

/** Encodes and decodes with rhea, as the wire would. */
function wire(m: object): AmqpMessage {
  return rhea.message.decode(rhea.message.encode(m as AmqpMessage)) as unknown as AmqpMessage;
}

const UUID = '6c1c0b8e-3f4a-4a51-9d7e-2f0a8d6b5c11';

describe('message codec', () => {
  it('decodes telemetry: uuid ids as canonical strings, annotations, output name', () => {
    const m = wire({
      message_id: rhea.string_to_uuid(UUID), correlation_id: 42, content_type: 'application/json', content_encoding: 'utf-8',
      absolute_expiry_time: new Date('2030-01-01T00:00:00Z'), user_id: Buffer.from('u1'),
      message_annotations: { 'iothub-interface-id': 'dtmi:x;1', 'dt-subject': 'thermo' },
      application_properties: { a: 'x', n: 5, 'iothub-outputname': 'out1' },
      body: rhea.message.data_section(Buffer.from('{"t":1}')),
    });
    const decoded = decodeInbound(m, 'telemetry');
    expect(Buffer.from(decoded.body).toString()).toBe('{"t":1}');
    expect(decoded.system).toEqual({
      messageId: UUID, correlationId: '42', contentType: 'application/json', contentEncoding: 'utf-8',
      expiryTimeUtc: '2030-01-01T00:00:00.000Z', userId: 'u1', interfaceId: 'dtmi:x;1', subject: 'thermo', outputName: 'out1',
    });
    expect(decoded.properties).toEqual({ a: 'x', n: '5' });
  });

  it('reads every body section kind', () => {
    expect(Buffer.from(bodyBytes(wire({ body: 'text' }).body)).toString()).toBe('text');
    expect(Buffer.from(bodyBytes(wire({ body: Buffer.from('bin') }).body)).toString()).toBe('bin');
    expect(Buffer.from(bodyBytes(wire({ body: { a: 1 } }).body)).toString()).toBe('{"a":1}');
    expect(Buffer.from(bodyBytes(wire({ body: rhea.message.data_sections([Buffer.from('a'), Buffer.from('b')]) }).body)).toString()).toBe('ab');
    expect(bodyBytes(undefined)).toHaveLength(0);
  });

  it('takes iothub-ack as a system property on service C2D messages', () => {
    const m = decodeInbound(wire({ to: '/devices/d/messages/devicebound', application_properties: { 'iothub-ack': 'full', k: 'v' }, body: 'x' }), 'c2d');
    expect(m.system).toEqual({ ack: 'full' });
    expect(m.properties).toEqual({ k: 'v' });
  });

  it('encodes C2D with a Data body, binary user id, iothub-ack and hub annotations', () => {
    const out = wire(encodeC2d({
      lockToken: 'lt', deliveryCount: 2, enqueuedTime: '2030-01-01T00:00:00.000Z',
      message: {
        body: Buffer.from('down'),
        system: { messageId: 'm1', to: '/devices/d/messages/devicebound', userId: 'svc', ack: 'full', expiryTimeUtc: '2030-01-02T00:00:00.000Z' },
        properties: { k: 'v' },
      },
    }));
    expect((out.body as { typecode: number; content: Buffer }).typecode).toBe(0x75);
    expect((out.body as { content: Buffer }).content.toString()).toBe('down');
    expect(out.message_id).toBe('m1');
    expect(Buffer.isBuffer(out.user_id)).toBe(true);
    expect(out.application_properties).toEqual({ k: 'v', 'iothub-ack': 'full' });
    expect(out.delivery_count).toBe(2);
    expect((out.message_annotations as Record<string, Date>)['iothub-enqueuedtime']?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(out.absolute_expiry_time?.toISOString()).toBe('2030-01-02T00:00:00.000Z');
  });

  it('encodes feedback as a JSON array with its content type and the hub as user id', () => {
    const out = wire(encodeFeedback([{
      originalMessageId: 'm1', enqueuedTimeUtc: 't', statusCode: 'Success', description: 'Success', deviceId: 'd', deviceGenerationId: 'g',
    }], 'hub'));
    expect(out.content_type).toBe('application/vnd.microsoft.iothub.feedback.json');
    expect(Buffer.from(out.user_id as unknown as Buffer).toString()).toBe('hub');
    expect(JSON.parse((out.body as { content: Buffer }).content.toString())).toHaveLength(1);
  });

  it('converts ids between canonical strings and the wire', () => {
    expect(idToWire(UUID)).toEqual(rhea.string_to_uuid(UUID));
    expect(idToWire('abc')).toBe('abc');
    expect(idToString(rhea.string_to_uuid(UUID.toUpperCase()))).toBe(UUID);
    expect(idToString(undefined)).toBeUndefined();
  });
});

describe('rpc codec', () => {
  const request = (props: Record<string, unknown>, body: unknown = 'SharedAccessSignature sr=a&sig=b&se=1'): AmqpMessage =>
    wire({ message_id: 'req-1', reply_to: 'cbs', application_properties: props, body });

  it('reads put-token requests of both token types, case-insensitively', () => {
    expect(parseCbsRequest(request({ operation: 'put-token', type: 'servicebus.windows.net:sastoken', name: 'n' }))).toMatchObject({ ok: true, messageId: 'req-1', replyTo: 'cbs' });
    expect(parseCbsRequest(request({ operation: 'PUT-TOKEN', type: 'Azure-Devices.net:SasToken' }))).toMatchObject({ ok: true });
    expect(parseCbsRequest(request({ operation: 'delete-token', type: 'servicebus.windows.net:sastoken' }))).toMatchObject({ ok: false, status: 400 });
    expect(parseCbsRequest(request({ operation: 'put-token', type: 'jwt' }))).toMatchObject({ ok: false, status: 400 });
    expect(parseCbsRequest(request({ operation: 'put-token', type: 'servicebus.windows.net:sastoken' }, ''))).toMatchObject({ ok: false });
  });

  it('replies with correlation_id = message_id and an int status-code', () => {
    const reply = wire(encodeCbsReply('req-1', 'cbs', 200, 'OK'));
    expect(reply.correlation_id).toBe('req-1');
    expect(reply.to).toBe('cbs');
    expect(reply.application_properties).toEqual({ 'status-code': 200, 'status-description': 'OK' });
    const uuidReply = wire(encodeCbsReply(rhea.string_to_uuid(UUID), undefined, 401, 'no'));
    expect(idToString(uuidReply.correlation_id)).toBe(UUID);
  });

  it('encodes method requests and decodes responses, ids compared as canonical strings', () => {
    const req = wire(encodeMethodRequest({ rid: UUID, name: 'reboot', payload: null }));
    expect(Buffer.isBuffer(req.correlation_id)).toBe(true);
    expect(req.application_properties).toEqual({ 'IoThub-methodname': 'reboot' });
    expect((req.body as { content: Buffer }).content.toString()).toBe('null');
    const res = wire({ correlation_id: req.correlation_id, application_properties: { 'IoThub-status': rhea.types.wrap_int(201) }, body: rhea.message.data_section(Buffer.from('{"ok":1}')) });
    expect(decodeMethodResponse(res)).toEqual({ rid: UUID, status: 201, payload: { ok: 1 } });
    expect(decodeMethodResponse(wire({ body: 'x' }))).toBeUndefined();
  });

  it('encodes twin responses with status and version annotations', () => {
    const out = wire(encodeTwinResponse('c-1', 204, '', 7));
    expect(out.correlation_id).toBe('c-1');
    expect(out.message_annotations).toEqual({ status: 204, version: 7 });
    expect((out.body as { content: Buffer }).content).toHaveLength(0);
  });
});

describe('method wire ids', () => {
  it('issues a uuid per request and maps answers back, case-insensitively, once', () => {
    const ids = new MethodIds();
    const wireId = ids.issue('1f');
    expect(wireId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ids.resolve(wireId.toUpperCase())).toBe('1f');
    // Answered once: a second answer is passed through as is (and dropped by the core as unknown).
    expect(ids.resolve(wireId)).toBe(wireId);
    expect(ids.resolve('not-issued')).toBe('not-issued');
  });

  it('remembers a bounded number of unanswered requests', () => {
    const ids = new MethodIds();
    const first = ids.issue('first');
    for (let i = 0; i < 300; i++) ids.issue(`r${i}`);
    expect(ids.resolve(first)).toBe(first);
  });
});
