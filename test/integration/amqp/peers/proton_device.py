#!/usr/bin/python3
"""An IoT Hub device written with python3-qpid-proton, an AMQP 1.0 stack independent of rhea.

usage: /usr/bin/python3 proton_device.py PORT CA_FILE HUB_HOST DEVICE_ID [MODE]
The SAS token comes in the environment (FH_TOKEN) so it never shows in a process listing.

It authenticates with SASL PLAIN (user {device}@sas.{hub}, password = token), sends one
telemetry message on /devices/{d}/messages/events, receives one C2D message on
/devices/{d}/messages/devicebound and accepts it, then closes. Each event is printed as one JSON
line; the exit status is 0 only when both happened.

MODE `dup-links` instead opens a sender and a receiver under one link name (what proton does by
default for a sender and receiver on one address) and reports how the hub ends the connection.
"""
import json
import os
import sys

from proton import Message, SSLDomain
from proton.handlers import MessagingHandler
from proton.reactor import Container


def emit(**fields):
    print(json.dumps(fields), flush=True)


class Device(MessagingHandler):
    def __init__(self, port, ca, hub, device, token, mode="device"):
        # Settlement is explicit: the C2D message is accepted once recorded.
        super().__init__(auto_accept=False)
        self.url = "amqps://localhost:%d" % port
        self.ca, self.hub, self.device, self.token, self.mode = ca, hub, device, token, mode
        self.closed_by_hub = False
        self.deadline = None
        self.sent = False
        self.accepted = False
        self.received = False

    def on_start(self, event):
        # A watchdog, so a hub that never answers fails the test instead of hanging it.
        self.deadline = event.container.schedule(20, self)
        dom = SSLDomain(SSLDomain.MODE_CLIENT)
        dom.set_trusted_ca_db(self.ca)
        # The certificate names localhost; VERIFY_PEER_NAME fails on IP literals (test-peers 5b).
        dom.set_peer_authentication(SSLDomain.VERIFY_PEER_NAME)
        conn = event.container.connect(
            self.url, ssl_domain=dom, reconnect=False, sasl_enabled=True, allowed_mechs="PLAIN",
            user="%s@sas.%s" % (self.device, self.hub), password=self.token)
        if self.mode == "dup-links":
            event.container.create_sender(conn, "/devices/%s/messages/events" % self.device, name="dup")
            event.container.create_receiver(conn, "/devices/%s/messages/devicebound" % self.device, name="dup")
            return
        # Explicit link names: proton's default `<container>-<address>` would collide (test-peers 5b).
        event.container.create_sender(conn, "/devices/%s/messages/events" % self.device, name="py-telemetry")
        event.container.create_receiver(conn, "/devices/%s/messages/devicebound" % self.device, name="py-c2d")

    def on_sendable(self, event):
        if self.sent or not event.sender.credit:
            return
        msg = Message(id="py-1", body=b"hello from proton", inferred=True,
                      content_type="text/plain", properties={"source": "proton"})
        event.sender.send(msg)
        self.sent = True

    def on_accepted(self, event):
        self.accepted = True
        emit(event="telemetry-accepted")
        self.maybe_done(event)

    def on_rejected(self, event):
        cond = event.delivery.remote.condition
        emit(event="telemetry-rejected", condition=cond.name if cond else None)
        self.deadline.cancel()
        event.connection.close()

    def on_message(self, event):
        body = event.message.body
        if isinstance(body, memoryview):
            body = body.tobytes()
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        emit(event="c2d", id=event.message.id, body=body, properties=dict(event.message.properties or {}))
        self.accept(event.delivery)
        self.received = True
        self.maybe_done(event)

    def maybe_done(self, event):
        if self.accepted and self.received:
            self.deadline.cancel()
            event.connection.close()

    def on_timer_task(self, event):
        emit(event="timeout")
        event.container.stop()

    def on_disconnected(self, event):
        if self.mode == "dup-links":
            self.closed_by_hub = True
            emit(event="disconnected")
            self.deadline.cancel()
            event.container.stop()

    def on_transport_error(self, event):
        if self.deadline is not None:
            self.deadline.cancel()
        cond = event.transport.condition
        emit(event="transport-error", condition=cond.name if cond else None,
             description=cond.description if cond else None)


def main():
    port, ca, hub, device = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    mode = sys.argv[5] if len(sys.argv) > 5 else "device"
    handler = Device(port, ca, hub, device, os.environ["FH_TOKEN"], mode)
    Container(handler).run()
    ok = handler.closed_by_hub if mode == "dup-links" else handler.accepted and handler.received
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
