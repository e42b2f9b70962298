#!/usr/bin/python3
"""A pymodbus 3.0 server (TCP or RTU) for fieldhub's Modbus tests and benchmark.

usage: /usr/bin/python3 modbus-peer.py '<json config>'

config:
  mode        "tcp" | "rtu"
  host, port  TCP: address to bind (port 0 = any free port, printed in the ready line)
  device      RTU: the serial device (one end of a socat pty pair)
  baud        RTU: baud rate (default 9600)
  units       {"<unit id>": {"hr"|"ir"|"co"|"di": [[address, [values...]], ...]}}: the slaves this
              server answers for (any other unit id is ignored: no answer at all, as on a real bus),
              each table 4096 entries long, zero-filled, then preloaded with the given blocks
  single      true: one datastore answering every unit id (units must then hold exactly one entry)
  lineBaud    optional: delay each answer by the time request and answer would take on a real
              line at this baud rate (11 bits per character), so a pty behaves like an RS-485 line
  logRequests default true: one JSON line per request (benchmarks turn it off)

stdout: JSON lines
  {"event": "ready", "port": <tcp port>}                         once listening
  {"event": "request", "unit", "fc", "address", "count"|"values"} each request addressed to a served unit
  {"event": "response", "unit", "fc", "exception"}               each answer (exception code or null)
  {"event": "reply", "id", "values"}                             answer to a stdin command

stdin: JSON lines, commands against the datastore (independent of the Modbus wire):
  {"id": n, "cmd": "get", "unit": u, "table": "hr", "address": a, "count": c}
  {"id": n, "cmd": "set", "unit": u, "table": "hr", "address": a, "values": [...]}
  {"id": n, "cmd": "stats"}   -> {"event": "reply", "id", "requests": {"<unit>": n}}
Stop it with SIGTERM.
"""
import asyncio
import json
import logging
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server.async_io import (
    ModbusConnectedRequestHandler,
    ModbusSerialServer,
    ModbusSingleRequestHandler,
    ModbusTcpServer,
)
from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer

logging.disable(logging.ERROR)  # pymodbus logs every disconnect and exception answer as an error
TABLES = {"co": 1, "di": 2, "hr": 3, "ir": 4}
SIZE = 4096
CONFIG = json.loads(sys.argv[1])
LOG_REQUESTS = CONFIG.get("logRequests", True)
LINE_BAUD = CONFIG.get("lineBaud")
REQUESTS = {}


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def make_slave(spec):
    blocks = {}
    for table in TABLES:
        data = [0] * SIZE
        for address, values in spec.get(table, []):
            data[address:address + len(values)] = values
        blocks[table] = ModbusSequentialDataBlock(0, data)
    # zero_mode: protocol address N is block index N (pymodbus' default shifts by one).
    return ModbusSlaveContext(zero_mode=True, **blocks)


def describe(request):
    out = {"event": "request", "unit": request.unit_id, "fc": request.function_code, "address": getattr(request, "address", None)}
    if hasattr(request, "count"):
        out["count"] = request.count
    if hasattr(request, "values"):
        out["values"] = [bool(v) if isinstance(v, bool) else v for v in request.values]
    elif hasattr(request, "value"):
        out["values"] = [request.value]
    return out


class Logging:
    """Logs each request that reached a served unit, and delays answers like a real line would."""

    def execute(self, request, *addr):
        REQUESTS[request.unit_id] = REQUESTS.get(request.unit_id, 0) + 1
        if LOG_REQUESTS:
            emit(describe(request))
        return super().execute(request, *addr)

    def _send_(self, data, *addr):
        if not LINE_BAUD:
            return super()._send_(data, *addr)
        # A read request is 8 bytes; writes are longer but rare in the benchmark.
        delay = (8 + len(data)) * 11 / LINE_BAUD
        asyncio.get_event_loop().call_later(delay, lambda: super(Logging, self)._send_(data, *addr))
        return None


class TcpHandler(Logging, ModbusConnectedRequestHandler):
    pass


class SerialHandler(Logging, ModbusSingleRequestHandler):
    pass


def response_manipulator(response):
    if LOG_REQUESTS:
        fc = response.function_code
        emit({"event": "response", "unit": response.unit_id, "fc": fc & 0x7F,
              "exception": getattr(response, "exception_code", None) if fc & 0x80 else None})
    return response, False


def command(context, line):
    msg = json.loads(line)
    reply = {"event": "reply", "id": msg.get("id")}
    if msg["cmd"] == "stats":
        reply["requests"] = {str(k): v for k, v in REQUESTS.items()}
    else:
        slave = context[msg["unit"]]
        fc = TABLES[msg["table"]]
        if msg["cmd"] == "set":
            slave.setValues(fc, msg["address"], msg["values"])
            reply["values"] = msg["values"]
        else:
            reply["values"] = [int(v) if isinstance(v, bool) else v for v in slave.getValues(fc, msg["address"], msg["count"])]
    emit(reply)


async def read_commands(context):
    loop = asyncio.get_event_loop()
    reader = asyncio.StreamReader()
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    except (OSError, ValueError):  # stdin is not a pipe (e.g. /dev/null): no commands
        return
    while True:
        line = await reader.readline()
        if not line:
            return
        try:
            command(context, line)
        except Exception as exc:  # a bad command must not kill the peer
            emit({"event": "error", "message": str(exc)})


async def main():
    units = {int(k): make_slave(v) for k, v in CONFIG["units"].items()}
    if CONFIG.get("single"):
        context = ModbusServerContext(slaves=next(iter(units.values())), single=True)
    else:
        context = ModbusServerContext(slaves=units, single=False)
    common = dict(ignore_missing_slaves=True, response_manipulator=response_manipulator)
    asyncio.get_event_loop().create_task(read_commands(context))
    if CONFIG["mode"] == "tcp":
        server = ModbusTcpServer(context, framer=ModbusSocketFramer, address=(CONFIG["host"], CONFIG.get("port", 0)),
                                 handler=TcpHandler, allow_reuse_address=True, **common)
        task = asyncio.get_event_loop().create_task(server.serve_forever())
        await server.serving
        emit({"event": "ready", "port": server.server.sockets[0].getsockname()[1]})
        await task
    else:
        server = ModbusSerialServer(context, framer=ModbusRtuFramer, port=CONFIG["device"], baudrate=CONFIG.get("baud", 9600),
                                    bytesize=8, parity="N", stopbits=1, timeout=1, handler=SerialHandler, **common)
        await server.start()
        emit({"event": "ready", "device": CONFIG["device"]})
        await asyncio.Event().wait()


asyncio.run(main())
