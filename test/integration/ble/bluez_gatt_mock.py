# A BlueZ (bluetoothd) stand-in for the ble module's integration tests: python-dbusmock's stock
# bluez5 template (adapters, devices, discovery) plus what it lacks (test-peers.md section 4):
#   * the PropertiesChanged / InterfacesAdded / InterfacesRemoved signals declared in
#     introspection, without which dbus-next (node-ble) never subscribes to them (quirk 1);
#   * Device1.Connect/Disconnect that update the stored properties (quirk 2) and set
#     ServicesResolved after Connected, as bluetoothd does;
#   * GATT: GattService1 / GattCharacteristic1 objects nested under the device, the way node-ble
#     walks them (dev_XX/serviceNNNN/charNNNN), with ReadValue, WriteValue, StartNotify, StopNotify.
# Devices are added by the test over D-Bus (org.bluez.Mock.AddGattDevice); one added while its
# adapter is not discovering stays out of range until StartDiscovery, so a client that never
# scans never sees it. Test controls (org.bluez.Mock): SetValue (notifies when notifying),
# DropConnection (the peripheral goes away), SetConnectFails, SetFailing (ATT errors on read, write
# or notify), and JSON reports: GetHistory (every Connected change, in order), GetWrites, GetStats.
# Run: /usr/bin/python3 -m dbusmock --system -t bluez_gatt_mock.py -p '{"adapters": ["hci0"]}'
import json
import time

import dbus
import dbus.service
from dbusmock import mockobject
from dbusmock.mockobject import DBusMockObject
from dbusmock.templates.bluez5 import *  # noqa: F401,F403  AddAdapter, AddDevice, ... as D-Bus methods
from dbusmock.templates import bluez5

BUS_NAME = 'org.bluez'
MAIN_OBJ = '/'
SYSTEM_BUS = True
IS_OBJECT_MANAGER = True

MOCK_IFACE = 'org.bluez.Mock'
ADAPTER_IFACE = 'org.bluez.Adapter1'
DEVICE_IFACE = 'org.bluez.Device1'
SERVICE_IFACE = 'org.bluez.GattService1'
CHAR_IFACE = 'org.bluez.GattCharacteristic1'
OM_IFACE = 'org.freedesktop.DBus.ObjectManager'
PROPS = dbus.PROPERTIES_IFACE


# --- quirk 1: declare the signals dbusmock emits but does not introspect
@dbus.service.signal(PROPS, signature='sa{sv}as')
def PropertiesChanged(self, interface, changed, invalidated):
    pass


@dbus.service.signal(OM_IFACE, signature='oa{sa{sv}}')
def InterfacesAdded(self, path, interfaces):
    pass


@dbus.service.signal(OM_IFACE, signature='oas')
def InterfacesRemoved(self, path, interfaces):
    pass


_table = DBusMockObject._dbus_class_table['dbusmock.mockobject.DBusMockObject']
_table.setdefault(PROPS, {})['PropertiesChanged'] = PropertiesChanged
_table.setdefault(OM_IFACE, {}).update(InterfacesAdded=InterfacesAdded, InterfacesRemoved=InterfacesRemoved)

# Test state: Connected changes in order, devices waiting to come into range, per-device behaviour.
STATE = {'seq': 0, 'history': [], 'pending': {}, 'devices': {}}


def _changed(obj, iface, **props):
    for k, v in props.items():
        obj.props[iface][k] = v
    obj.EmitSignal(PROPS, 'PropertiesChanged', 'sa{sv}as', [iface, props, dbus.Array([], signature='s')])


def _record(dev, connected):
    STATE['seq'] += 1
    STATE['history'].append({'seq': STATE['seq'], 'address': str(dev.props[DEVICE_IFACE]['Address']),
                             'connected': connected, 'at': time.time()})


def _info(dev):
    return STATE['devices'][str(dev.props[DEVICE_IFACE]['Address'])]


def _end_connection(dev):
    '''Notifications end with the link; then ServicesResolved and Connected drop, as in bluetoothd.'''
    for ch in _info(dev)['chars'].values():
        if ch.props[CHAR_IFACE]['Notifying']:
            _changed(ch, CHAR_IFACE, Notifying=dbus.Boolean(False, variant_level=1))
    _record(dev, False)
    _changed(dev, DEVICE_IFACE, ServicesResolved=dbus.Boolean(False, variant_level=1),
             Connected=dbus.Boolean(False, variant_level=1))


def _connect(dev):
    info = _info(dev)
    info['connectAttempts'] += 1
    if dev.props[DEVICE_IFACE]['Connected']:
        raise dbus.exceptions.DBusException('Already Connected', name='org.bluez.Error.AlreadyConnected')
    if info['connectFails']:
        raise dbus.exceptions.DBusException('le-connection-abort-by-local', name='org.bluez.Error.Failed')
    _record(dev, True)
    _changed(dev, DEVICE_IFACE, Connected=dbus.Boolean(True, variant_level=1))
    _changed(dev, DEVICE_IFACE, ServicesResolved=dbus.Boolean(True, variant_level=1))


def _disconnect(dev):
    if not dev.props[DEVICE_IFACE]['Connected']:
        raise dbus.exceptions.DBusException('Not Connected', name='org.bluez.Error.NotConnected')
    _end_connection(dev)


def _device_of(ch):
    return mockobject.objects[ch.device_path]


def _require_connected(ch):
    if not _device_of(ch).props[DEVICE_IFACE]['Connected']:
        raise dbus.exceptions.DBusException('Not connected', name='org.bluez.Error.NotConnected')


def _maybe_fail(ch, op):
    failing = _info(_device_of(ch))['failing'].get(str(ch.props[CHAR_IFACE]['UUID']), set())
    if op in failing:   # what bluetoothd answers when the peripheral returns an ATT error
        raise dbus.exceptions.DBusException('Operation failed with ATT error: 0x0e (Unlikely Error)', name='org.bluez.Error.Failed')


def _read_value(ch, options):
    _require_connected(ch)
    _maybe_fail(ch, 'read')
    ch.reads += 1
    offset = int(options.get('offset', 0))
    return dbus.Array(ch.props[CHAR_IFACE]['Value'][offset:], signature='y')


def _write_value(ch, value, options):
    _require_connected(ch)
    _maybe_fail(ch, 'write')
    ch.written.append({'hex': bytes(value).hex(), 'type': str(options.get('type', ''))})
    ch.props[CHAR_IFACE]['Value'] = dbus.Array(value, signature='y', variant_level=1)


def _start_notify(ch):
    _require_connected(ch)
    _maybe_fail(ch, 'notify')
    ch.notify_starts += 1
    _changed(ch, CHAR_IFACE, Notifying=dbus.Boolean(True, variant_level=1))


def _stop_notify(ch):
    _changed(ch, CHAR_IFACE, Notifying=dbus.Boolean(False, variant_level=1))


def _create_device(mock, adapter, address, name, services):
    dev_path = mock.AddDevice(adapter, address, name)
    dev = mockobject.objects[dev_path]
    dev.AddMethods(DEVICE_IFACE, [('Connect', '', '', _connect), ('Disconnect', '', '', _disconnect)])
    info = STATE['devices'][address]
    handle = 1
    uuids = []
    for svc in services:
        svc_path = f'{dev_path}/service{handle:04x}'
        mock.AddObject(svc_path, SERVICE_IFACE, {
            'UUID': dbus.String(svc['uuid'], variant_level=1),
            'Primary': dbus.Boolean(True, variant_level=1),
            'Device': dbus.ObjectPath(dev_path, variant_level=1),
            'Includes': dbus.Array([], signature='o', variant_level=1),
            'Handle': dbus.UInt16(handle, variant_level=1),
        }, [])
        uuids.append(svc['uuid'])
        handle += 1
        for c in svc['chars']:
            ch_path = f'{svc_path}/char{handle:04x}'
            mock.AddObject(ch_path, CHAR_IFACE, {
                'UUID': dbus.String(c['uuid'], variant_level=1),
                'Service': dbus.ObjectPath(svc_path, variant_level=1),
                'Value': dbus.Array(c.get('value', []), signature='y', variant_level=1),
                'Notifying': dbus.Boolean(False, variant_level=1),
                'Flags': dbus.Array(c.get('flags', ['read']), signature='s', variant_level=1),
                'Handle': dbus.UInt16(handle, variant_level=1),
                'MTU': dbus.UInt16(247, variant_level=1),
            }, [
                ('ReadValue', 'a{sv}', 'ay', _read_value),
                ('WriteValue', 'aya{sv}', '', _write_value),
                ('StartNotify', '', '', _start_notify),
                ('StopNotify', '', '', _stop_notify),
            ])
            ch = mockobject.objects[ch_path]
            ch.device_path = dev_path
            ch.reads = 0
            ch.notify_starts = 0
            ch.written = []
            info['chars'][c['uuid']] = ch
            handle += 1
    dev.props[DEVICE_IFACE]['UUIDs'] = dbus.Array(uuids, signature='s', variant_level=1)
    info['path'] = dev_path
    return dev_path


def _start_discovery(adapter):
    bluez5.StartDiscovery(adapter)
    name = str(adapter.path).rsplit('/', 1)[-1]
    for address, (mock, name_, services) in list(STATE['pending'].get(name, {}).items()):
        _create_device(mock, name, address, name_, services)
    STATE['pending'].pop(name, None)


def _install_adapter_methods(path):
    mockobject.objects[path].AddMethods(ADAPTER_IFACE, [('StartDiscovery', '', '', _start_discovery)])


@dbus.service.method(MOCK_IFACE, in_signature='ss', out_signature='s')
def AddScanningAdapter(self, device_name, system_name):
    '''AddAdapter whose StartDiscovery brings pending devices into range.'''
    path = self.AddAdapter(device_name, system_name)
    _install_adapter_methods(path)
    return path


@dbus.service.method(MOCK_IFACE, in_signature='ssss', out_signature='s')
def AddGattDevice(self, adapter, address, name, services_json):
    '''A peripheral with GATT services: [{"uuid", "chars": [{"uuid", "flags", "value": [bytes]}]}].
    Returns its path, or "" while it waits for the adapter to discover.'''
    services = json.loads(services_json)
    STATE['devices'][address] = {'chars': {}, 'connectFails': False, 'connectAttempts': 0, 'path': '', 'failing': {}}
    adapter_path = '/org/bluez/' + adapter
    if adapter_path in mockobject.objects and mockobject.objects[adapter_path].props[ADAPTER_IFACE]['Discovering']:
        return _create_device(self, adapter, address, name, services)
    STATE['pending'].setdefault(adapter, {})[address] = (self, name, services)
    return ''


def _char(address, uuid):
    try:
        return STATE['devices'][address]['chars'][uuid]
    except KeyError as e:
        raise dbus.exceptions.DBusException(f'no characteristic {uuid} on {address}', name=MOCK_IFACE + '.NoSuchCharacteristic') from e


@dbus.service.method(MOCK_IFACE, in_signature='ssay', out_signature='b')
def SetValue(self, address, uuid, value):
    '''Sets a characteristic value; a notification when it is notifying. Returns whether it notified.'''
    ch = _char(address, uuid)
    val = dbus.Array(value, signature='y', variant_level=1)
    if ch.props[CHAR_IFACE]['Notifying']:
        _changed(ch, CHAR_IFACE, Value=val)
        return True
    ch.props[CHAR_IFACE]['Value'] = val
    return False


@dbus.service.method(MOCK_IFACE, in_signature='s', out_signature='b')
def DropConnection(self, address):
    '''The peripheral goes away (out of range, reset): the link ends without a Disconnect call.'''
    dev = mockobject.objects.get(STATE['devices'][address]['path'])
    if dev is None or not dev.props[DEVICE_IFACE]['Connected']:
        return False
    _end_connection(dev)
    return True


@dbus.service.method(MOCK_IFACE, in_signature='sb', out_signature='')
def SetConnectFails(self, address, fails):
    STATE['devices'][address]['connectFails'] = bool(fails)


@dbus.service.method(MOCK_IFACE, in_signature='sssb', out_signature='')
def SetFailing(self, address, uuid, op, fails):
    '''Makes a characteristic's read, write or notify (StartNotify) fail like an ATT error, or work again.'''
    ops = STATE['devices'][address]['failing'].setdefault(str(uuid), set())
    if fails:
        ops.add(str(op))
    else:
        ops.discard(str(op))


@dbus.service.method(MOCK_IFACE, in_signature='', out_signature='s')
def GetHistory(self):
    return json.dumps(STATE['history'])


@dbus.service.method(MOCK_IFACE, in_signature='ss', out_signature='s')
def GetWrites(self, address, uuid):
    return json.dumps(_char(address, uuid).written)


@dbus.service.method(MOCK_IFACE, in_signature='', out_signature='s')
def GetStats(self):
    out = {}
    for address, info in STATE['devices'].items():
        dev = mockobject.objects.get(info['path'])
        out[address] = {
            'present': dev is not None,
            'connected': bool(dev.props[DEVICE_IFACE]['Connected']) if dev is not None else False,
            'connectAttempts': info['connectAttempts'],
            'chars': {u: {'reads': c.reads, 'notifyStarts': c.notify_starts, 'notifying': bool(c.props[CHAR_IFACE]['Notifying'])}
                      for u, c in info['chars'].items()},
        }
    return json.dumps(out)


def load(mock, parameters):
    bluez5.load(mock, parameters)
    mockobject.objects[mock.path] = mock     # quirk 4: the main object is registered only after load()
    for name in parameters.get('adapters', ['hci0']):
        AddScanningAdapter(mock, name, 'fieldhub-mock')
