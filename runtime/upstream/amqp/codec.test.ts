import amqpBase from 'azure-iot-amqp-base';
import common from 'azure-iot-common';
import rhea from 'rhea';
import { describe, expect, it } from 'vitest';
import {
  decodeC2d, decodeMethodRequest, decodeTwinInbound, encodeMethodResponse, encodeTelemetry, encodeTwinRequest, idText, idToWire, TWIN_REPORTED,
} from './codec.js';

const UUID = '5b3b1d2a-0c1e-4c5a-9d3f-2b6f0c8e9a11';

/** What goes on the wire: rhea's encoding, decoded back to a plain message. */
function roundTrip(m: object): rhea.Message {
  return rhea.message.decode(rhea.message.encode(m as rhea.Message)) as unknown as rhea.Message;
}

describe('telemetry encoding', () => {
  it('puts the same sections and fields on the wire as the device SDK (azure-iot-amqp-base)', () => {
    const sdk = new common.Message('{"t":1}');
    sdk.messageId = UUID;
    sdk.correlationId = 'corr-7';
    sdk.contentType = 'application/json';
    sdk.contentEncoding = 'utf-8';
    sdk.expiryTimeUtc = new Date('2030-01-01T00:00:00.000Z');
    sdk.interfaceId = 'dtmi:example:thermo;1';
    sdk.properties.add('unit', 'C');
    sdk.properties.add('dt-subject', 'probe');
    const expected = amqpBase.AmqpMessage.fromMessage(sdk) as unknown as rhea.Message;
    // The SDK's transport adds `to` = the address before sending (amqp.js sendEvent).
    expected.to = '/devices/d1/messages/events';
    const ours = encodeTelemetry({
      body: new Uint8Array(Buffer.from('{"t":1}')),
      system: {
        messageId: UUID, correlationId: 'corr-7', contentType: 'application/json', contentEncoding: 'utf-8',
        expiryTimeUtc: '2030-01-01T00:00:00.000Z', interfaceId: 'dtmi:example:thermo;1', subject: 'probe',
      },
      properties: { unit: 'C' },
    }, '/devices/d1/messages/events');
    expect(roundTrip(ours)).toEqual(roundTrip({ ...expected }));
  });

  it('sends uuid-shaped ids as AMQP uuid and anything else as a string', () => {
    expect(Buffer.isBuffer(idToWire(UUID))).toBe(true);
    expect(idToWire('msg-1')).toBe('msg-1');
    expect(idText(idToWire(UUID))).toBe(UUID);
  });

  it('carries a module output name as iothub-outputname', () => {
    const m = encodeTelemetry({ body: new Uint8Array(), system: { outputName: 'alerts' }, properties: {} }, '/devices/d/modules/m/messages/events');
    expect(m.application_properties).toEqual({ 'iothub-outputname': 'alerts' });
  });
});

describe('cloud-to-device decoding', () => {
  it('reads what the hub sends (Data body, uuid id, iothub-ack, enqueued time)', () => {
    const wire = roundTrip({
      message_id: rhea.string_to_uuid(UUID), correlation_id: 'c1', to: '/devices/d1/messages/devicebound',
      user_id: Buffer.from('svc'), content_type: 'text/plain', absolute_expiry_time: new Date('2030-01-01T00:00:00Z'),
      application_properties: { 'iothub-ack': 'full', color: 'blue' },
      message_annotations: { 'iothub-enqueuedtime': new Date('2029-01-01T00:00:00Z') },
      body: rhea.message.data_section(Buffer.from('hello')),
    });
    const m = decodeC2d(wire);
    expect(Buffer.from(m.body).toString()).toBe('hello');
    expect(m.properties).toEqual({ color: 'blue' });
    expect(m.system).toEqual({
      messageId: UUID, correlationId: 'c1', to: '/devices/d1/messages/devicebound', userId: 'svc', contentType: 'text/plain',
      expiryTimeUtc: '2030-01-01T00:00:00.000Z', enqueuedTime: '2029-01-01T00:00:00.000Z', ack: 'full',
    });
  });
});

describe('direct methods', () => {
  it('reads the method name and JSON payload, and answers with the same correlation id and an int status', () => {
    const id = rhea.string_to_uuid(UUID);
    const req = decodeMethodRequest(roundTrip({
      correlation_id: id, application_properties: { 'IoThub-methodname': 'reboot' }, body: rhea.message.data_section(Buffer.from('{"delay":3}')),
    }));
    expect(req).toMatchObject({ methodName: 'reboot', payload: { delay: 3 } });
    const answer = roundTrip(encodeMethodResponse(req?.correlationId, 200, { ok: true }));
    expect(idText(answer.correlation_id)).toBe(UUID);
    expect(answer.application_properties).toEqual({ 'IoThub-status': 200 });
    expect(JSON.parse(Buffer.from((answer.body as { content: Buffer }).content).toString())).toEqual({ ok: true });
    expect(decodeMethodRequest(roundTrip({ application_properties: { 'IoThub-methodname': 'x' } }))).toBeUndefined();
  });
});

describe('twin messages', () => {
  it('sends requests like the SDK (operation/resource annotations, uuid string correlation id)', () => {
    const m = roundTrip(encodeTwinRequest(UUID, 'PATCH', TWIN_REPORTED, '{"a":1}'));
    expect(m.correlation_id).toBe(UUID);
    expect(m.message_annotations).toEqual({ operation: 'PATCH', resource: '/properties/reported' });
    expect(Buffer.from((m.body as { content: Buffer }).content).toString()).toBe('{"a":1}');
    const get = roundTrip(encodeTwinRequest(UUID, 'GET'));
    expect(get.message_annotations).toEqual({ operation: 'GET' });
  });

  it('tells answers (status, version) from desired notifications (no correlation id)', () => {
    const answer = decodeTwinInbound(roundTrip({
      correlation_id: UUID, message_annotations: { status: rhea.types.wrap_int(204), version: rhea.types.wrap_long(7) }, body: rhea.message.data_section(Buffer.from('')),
    }));
    expect(answer).toEqual({ kind: 'response', correlationId: UUID, status: 204, version: 7, body: null });
    const desired = decodeTwinInbound(roundTrip({ body: rhea.message.data_section(Buffer.from('{"x":1,"$version":4}')) }));
    expect(desired).toEqual({ kind: 'desired', patch: { x: 1, $version: 4 } });
    // No annotations at all is a success, as the SDK reads it.
    expect(decodeTwinInbound(roundTrip({ correlation_id: 'r', body: rhea.message.data_section(Buffer.from('{}')) }))).toMatchObject({ status: 200 });
  });
});
