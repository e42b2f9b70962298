/**
 * fieldhub {@link Message} <-> plain MQTT publish, for the MQTT sink and the bridge link.
 * The body goes as the payload, byte for byte. With MQTT 5, application properties travel as user
 * properties, `contentType` as the content type and `correlationId` as the correlation data; MQTT
 * 3.1.1 has no place for any of them, so there only the body is sent.
 */
import type { IClientPublishOptions, IPublishPacket } from 'mqtt';
import type { Message } from '../../../hub-core/core/types.js';

/** The body as a Buffer over the same bytes (no copy). */
export function payloadOf(message: Message): Buffer {
  const b = message.body;
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** MQTT 5 publish properties for `message`; undefined when there is nothing to carry. */
export function publishProperties(message: Message): IClientPublishOptions['properties'] {
  const props: NonNullable<IClientPublishOptions['properties']> = {};
  if (Object.keys(message.properties).length > 0) props.userProperties = { ...message.properties };
  if (message.system.contentType !== undefined) props.contentType = message.system.contentType;
  if (message.system.correlationId !== undefined) props.correlationData = Buffer.from(message.system.correlationId, 'utf8');
  return Object.keys(props).length > 0 ? props : undefined;
}

/**
 * A received MQTT publish as a Message: the payload as the body; with MQTT 5, user properties as
 * application properties (a repeated key keeps its last value), content type and correlation data.
 */
export function messageOf(packet: IPublishPacket): Message {
  const message: Message = { body: Buffer.from(packet.payload), system: {}, properties: {} };
  const props = packet.properties;
  if (props === undefined) return message;
  for (const [key, value] of Object.entries(props.userProperties ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) message.properties[key] = String(last);
  }
  if (props.contentType !== undefined) message.system.contentType = props.contentType;
  if (props.correlationData !== undefined) message.system.correlationId = Buffer.from(props.correlationData).toString('utf8');
  return message;
}
