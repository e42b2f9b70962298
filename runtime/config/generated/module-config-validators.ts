// @ts-nocheck
/* eslint-disable */
// GENERATED FILE, do not edit. Written by `npm run gen:validators` (scripts/gen-validators.mjs)
// from runtime/config/validator-codegen.ts: ajv 8.20.0 standalone code for the configSchema of
// each built-in module type (system, modbus, serial, ble; modules/index.ts). After changing a
// module's schema, run `npm run gen:validators` again; runtime/config/validator-codegen.test.ts checks this file.
// Copied from ajv/dist/runtime/ucs2length.js (self-contained), so no ajv file is loaded for it.
const ajvRuntime_ucs2length = function ucs2length(str) {
    const len = str.length;
    let length = 0;
    let pos = 0;
    let value;
    while (pos < len) {
        length++;
        value = str.charCodeAt(pos++);
        if (value >= 0xd800 && value <= 0xdbff && pos < len) {
            // high surrogate, and there is a next character
            value = str.charCodeAt(pos);
            if ((value & 0xfc00) === 0xdc00)
                pos++; // low surrogate
        }
    }
    return length;
};
export const validateSystemConfig = validate10;
const schema11 = {"type":"object","additionalProperties":false,"properties":{"intervalS":{"type":"integer","minimum":1,"maximum":86400,"default":60},"reportedIntervalS":{"type":"integer","minimum":1,"maximum":604800,"default":3600}}};

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.intervalS === undefined){
data.intervalS = 60;
}
if(data.reportedIntervalS === undefined){
data.reportedIntervalS = 3600;
}
for(const key0 in data){
if(!((key0 === "intervalS") || (key0 === "reportedIntervalS"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
let data0 = data.intervalS;
if(!(((typeof data0 == "number") && (!(data0 % 1) && !isNaN(data0))) && (isFinite(data0)))){
const err1 = {instancePath:instancePath+"/intervalS",schemaPath:"#/properties/intervalS/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if((typeof data0 == "number") && (isFinite(data0))){
if(data0 > 86400 || isNaN(data0)){
const err2 = {instancePath:instancePath+"/intervalS",schemaPath:"#/properties/intervalS/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data0 < 1 || isNaN(data0)){
const err3 = {instancePath:instancePath+"/intervalS",schemaPath:"#/properties/intervalS/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
let data1 = data.reportedIntervalS;
if(!(((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1))) && (isFinite(data1)))){
const err4 = {instancePath:instancePath+"/reportedIntervalS",schemaPath:"#/properties/reportedIntervalS/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if((typeof data1 == "number") && (isFinite(data1))){
if(data1 > 604800 || isNaN(data1)){
const err5 = {instancePath:instancePath+"/reportedIntervalS",schemaPath:"#/properties/reportedIntervalS/maximum",keyword:"maximum",params:{comparison: "<=", limit: 604800},message:"must be <= 604800"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data1 < 1 || isNaN(data1)){
const err6 = {instancePath:instancePath+"/reportedIntervalS",schemaPath:"#/properties/reportedIntervalS/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
}
else {
const err7 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}

export const validateModbusConfig = validate11;
const schema12 = {"type":"object","additionalProperties":false,"required":["ports","devices"],"properties":{"ports":{"type":"object","propertyNames":{"pattern":"^[A-Za-z0-9_.-]{1,64}$"},"additionalProperties":{"type":"object","required":["kind"],"properties":{"kind":{"enum":["rtu","tcp"]}},"if":{"properties":{"kind":{"const":"rtu"}}},"then":{"type":"object","additionalProperties":false,"required":["kind","path"],"properties":{"kind":{"const":"rtu"},"path":{"type":"string","minLength":1},"baudRate":{"type":"integer","minimum":300,"maximum":4000000,"default":9600},"parity":{"enum":["none","even","odd"],"default":"none"},"dataBits":{"enum":[7,8],"default":8},"stopBits":{"enum":[1,2],"default":1},"interFrameDelayMs":{"type":"number","minimum":0,"maximum":1000}}},"else":{"type":"object","additionalProperties":false,"required":["kind","host"],"properties":{"kind":{"const":"tcp"},"host":{"type":"string","minLength":1},"port":{"type":"integer","minimum":1,"maximum":65535,"default":502},"connectTimeoutMs":{"type":"integer","minimum":100,"maximum":120000,"default":5000}}}}},"devices":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["deviceId","profile","port","unitId"],"properties":{"deviceId":{"type":"string","pattern":"^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$"},"profile":{"type":"string","minLength":1},"port":{"type":"string","minLength":1},"unitId":{"type":"integer","minimum":0,"maximum":255},"pollIntervalS":{"type":"number","minimum":0.05,"maximum":86400},"timeoutMs":{"type":"integer","minimum":10,"maximum":60000,"default":1000},"retries":{"type":"integer","minimum":0,"maximum":10,"default":1}}}},"coalesce":{"type":"boolean","default":true},"maxGap":{"type":"integer","minimum":0,"maximum":125},"profileDirs":{"type":"array","items":{"type":"string","minLength":1},"default":[]},"backoff":{"type":"object","additionalProperties":false,"default":{},"properties":{"afterFailures":{"type":"integer","minimum":1,"maximum":100,"default":3},"maxDelayS":{"type":"number","minimum":1,"maximum":86400,"default":300}}},"reopen":{"type":"object","additionalProperties":false,"default":{},"properties":{"minDelayMs":{"type":"integer","minimum":10,"maximum":600000,"default":500},"maxDelayMs":{"type":"integer","minimum":10,"maximum":3600000,"default":30000}}}}};
const pattern0 = new RegExp("^[A-Za-z0-9_.-]{1,64}$", "u");
const pattern1 = new RegExp("^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$", "u");
const func2 = ajvRuntime_ucs2length;

function validate11(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.coalesce === undefined){
data.coalesce = true;
}
if(data.profileDirs === undefined){
data.profileDirs = [];
}
if(data.backoff === undefined){
data.backoff = {};
}
if(data.reopen === undefined){
data.reopen = {};
}
if(data.ports === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "ports"},message:"must have required property '"+"ports"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.devices === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "devices"},message:"must have required property '"+"devices"+"'"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
for(const key0 in data){
if(!(((((((key0 === "ports") || (key0 === "devices")) || (key0 === "coalesce")) || (key0 === "maxGap")) || (key0 === "profileDirs")) || (key0 === "backoff")) || (key0 === "reopen"))){
const err2 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.ports !== undefined){
let data0 = data.ports;
if(data0 && typeof data0 == "object" && !Array.isArray(data0)){
for(const key1 in data0){
const _errs4 = errors;
if(typeof key1 === "string"){
if(!pattern0.test(key1)){
const err3 = {instancePath:instancePath+"/ports",schemaPath:"#/properties/ports/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_.-]{1,64}$"},message:"must match pattern \""+"^[A-Za-z0-9_.-]{1,64}$"+"\"",propertyName:key1};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
var valid1 = _errs4 === errors;
if(!valid1){
const err4 = {instancePath:instancePath+"/ports",schemaPath:"#/properties/ports/propertyNames",keyword:"propertyNames",params:{propertyName: key1},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
for(const key2 in data0){
let data1 = data0[key2];
const _errs8 = errors;
let valid3 = true;
const _errs9 = errors;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.kind !== undefined){
if("rtu" !== data1.kind){
const err5 = {};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
var _valid0 = _errs9 === errors;
errors = _errs8;
if(vErrors !== null){
if(_errs8){
vErrors.length = _errs8;
}
else {
vErrors = null;
}
}
let ifClause0;
if(_valid0){
const _errs11 = errors;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.baudRate === undefined){
data1.baudRate = 9600;
}
if(data1.parity === undefined){
data1.parity = "none";
}
if(data1.dataBits === undefined){
data1.dataBits = 8;
}
if(data1.stopBits === undefined){
data1.stopBits = 1;
}
if(data1.kind === undefined){
const err6 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/additionalProperties/then/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
if(data1.path === undefined){
const err7 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/additionalProperties/then/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
for(const key3 in data1){
if(!(((((((key3 === "kind") || (key3 === "path")) || (key3 === "baudRate")) || (key3 === "parity")) || (key3 === "dataBits")) || (key3 === "stopBits")) || (key3 === "interFrameDelayMs"))){
const err8 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/additionalProperties/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data1.kind !== undefined){
if("rtu" !== data1.kind){
const err9 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/kind",schemaPath:"#/properties/ports/additionalProperties/then/properties/kind/const",keyword:"const",params:{allowedValue: "rtu"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data1.path !== undefined){
let data4 = data1.path;
if(typeof data4 === "string"){
if(func2(data4) < 1){
const err10 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/path",schemaPath:"#/properties/ports/additionalProperties/then/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
else {
const err11 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/path",schemaPath:"#/properties/ports/additionalProperties/then/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
let data5 = data1.baudRate;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err12 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/baudRate",schemaPath:"#/properties/ports/additionalProperties/then/properties/baudRate/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 > 4000000 || isNaN(data5)){
const err13 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/baudRate",schemaPath:"#/properties/ports/additionalProperties/then/properties/baudRate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4000000},message:"must be <= 4000000"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data5 < 300 || isNaN(data5)){
const err14 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/baudRate",schemaPath:"#/properties/ports/additionalProperties/then/properties/baudRate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 300},message:"must be >= 300"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
let data6 = data1.parity;
if(!(((data6 === "none") || (data6 === "even")) || (data6 === "odd"))){
const err15 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/parity",schemaPath:"#/properties/ports/additionalProperties/then/properties/parity/enum",keyword:"enum",params:{allowedValues: schema12.properties.ports.additionalProperties.then.properties.parity.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
let data7 = data1.dataBits;
if(!((data7 === 7) || (data7 === 8))){
const err16 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/dataBits",schemaPath:"#/properties/ports/additionalProperties/then/properties/dataBits/enum",keyword:"enum",params:{allowedValues: schema12.properties.ports.additionalProperties.then.properties.dataBits.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
let data8 = data1.stopBits;
if(!((data8 === 1) || (data8 === 2))){
const err17 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/stopBits",schemaPath:"#/properties/ports/additionalProperties/then/properties/stopBits/enum",keyword:"enum",params:{allowedValues: schema12.properties.ports.additionalProperties.then.properties.stopBits.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(data1.interFrameDelayMs !== undefined){
let data9 = data1.interFrameDelayMs;
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 1000 || isNaN(data9)){
const err18 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/interFrameDelayMs",schemaPath:"#/properties/ports/additionalProperties/then/properties/interFrameDelayMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
if(data9 < 0 || isNaN(data9)){
const err19 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/interFrameDelayMs",schemaPath:"#/properties/ports/additionalProperties/then/properties/interFrameDelayMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/interFrameDelayMs",schemaPath:"#/properties/ports/additionalProperties/then/properties/interFrameDelayMs/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
}
else {
const err21 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/additionalProperties/then/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
var _valid0 = _errs11 === errors;
valid3 = _valid0;
ifClause0 = "then";
}
else {
const _errs24 = errors;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.port === undefined){
data1.port = 502;
}
if(data1.connectTimeoutMs === undefined){
data1.connectTimeoutMs = 5000;
}
if(data1.kind === undefined){
const err22 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/additionalProperties/else/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if(data1.host === undefined){
const err23 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/additionalProperties/else/required",keyword:"required",params:{missingProperty: "host"},message:"must have required property '"+"host"+"'"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
for(const key4 in data1){
if(!((((key4 === "kind") || (key4 === "host")) || (key4 === "port")) || (key4 === "connectTimeoutMs"))){
const err24 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/additionalProperties/else/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
if(data1.kind !== undefined){
if("tcp" !== data1.kind){
const err25 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/kind",schemaPath:"#/properties/ports/additionalProperties/else/properties/kind/const",keyword:"const",params:{allowedValue: "tcp"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data1.host !== undefined){
let data11 = data1.host;
if(typeof data11 === "string"){
if(func2(data11) < 1){
const err26 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/host",schemaPath:"#/properties/ports/additionalProperties/else/properties/host/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
else {
const err27 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/host",schemaPath:"#/properties/ports/additionalProperties/else/properties/host/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
let data12 = data1.port;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
const err28 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/port",schemaPath:"#/properties/ports/additionalProperties/else/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 65535 || isNaN(data12)){
const err29 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/port",schemaPath:"#/properties/ports/additionalProperties/else/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(data12 < 1 || isNaN(data12)){
const err30 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/port",schemaPath:"#/properties/ports/additionalProperties/else/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
let data13 = data1.connectTimeoutMs;
if(!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))){
const err31 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/connectTimeoutMs",schemaPath:"#/properties/ports/additionalProperties/else/properties/connectTimeoutMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 > 120000 || isNaN(data13)){
const err32 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/connectTimeoutMs",schemaPath:"#/properties/ports/additionalProperties/else/properties/connectTimeoutMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 120000},message:"must be <= 120000"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(data13 < 100 || isNaN(data13)){
const err33 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/connectTimeoutMs",schemaPath:"#/properties/ports/additionalProperties/else/properties/connectTimeoutMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 100},message:"must be >= 100"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
}
else {
const err34 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/additionalProperties/else/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
var _valid0 = _errs24 === errors;
valid3 = _valid0;
ifClause0 = "else";
}
if(!valid3){
const err35 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/additionalProperties/if",keyword:"if",params:{failingKeyword: ifClause0},message:"must match \""+ifClause0+"\" schema"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.kind === undefined){
const err36 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/additionalProperties/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
if(data1.kind !== undefined){
let data14 = data1.kind;
if(!((data14 === "rtu") || (data14 === "tcp"))){
const err37 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1")+"/kind",schemaPath:"#/properties/ports/additionalProperties/properties/kind/enum",keyword:"enum",params:{allowedValues: schema12.properties.ports.additionalProperties.properties.kind.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
}
else {
const err38 = {instancePath:instancePath+"/ports/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/additionalProperties/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
}
else {
const err39 = {instancePath:instancePath+"/ports",schemaPath:"#/properties/ports/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
if(data.devices !== undefined){
let data15 = data.devices;
if(Array.isArray(data15)){
const len0 = data15.length;
for(let i0=0; i0<len0; i0++){
let data16 = data15[i0];
if(data16 && typeof data16 == "object" && !Array.isArray(data16)){
if(data16.timeoutMs === undefined){
data16.timeoutMs = 1000;
}
if(data16.retries === undefined){
data16.retries = 1;
}
if(data16.deviceId === undefined){
const err40 = {instancePath:instancePath+"/devices/" + i0,schemaPath:"#/properties/devices/items/required",keyword:"required",params:{missingProperty: "deviceId"},message:"must have required property '"+"deviceId"+"'"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
if(data16.profile === undefined){
const err41 = {instancePath:instancePath+"/devices/" + i0,schemaPath:"#/properties/devices/items/required",keyword:"required",params:{missingProperty: "profile"},message:"must have required property '"+"profile"+"'"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if(data16.port === undefined){
const err42 = {instancePath:instancePath+"/devices/" + i0,schemaPath:"#/properties/devices/items/required",keyword:"required",params:{missingProperty: "port"},message:"must have required property '"+"port"+"'"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
if(data16.unitId === undefined){
const err43 = {instancePath:instancePath+"/devices/" + i0,schemaPath:"#/properties/devices/items/required",keyword:"required",params:{missingProperty: "unitId"},message:"must have required property '"+"unitId"+"'"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
for(const key5 in data16){
if(!(((((((key5 === "deviceId") || (key5 === "profile")) || (key5 === "port")) || (key5 === "unitId")) || (key5 === "pollIntervalS")) || (key5 === "timeoutMs")) || (key5 === "retries"))){
const err44 = {instancePath:instancePath+"/devices/" + i0,schemaPath:"#/properties/devices/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
if(data16.deviceId !== undefined){
let data17 = data16.deviceId;
if(typeof data17 === "string"){
if(!pattern1.test(data17)){
const err45 = {instancePath:instancePath+"/devices/" + i0+"/deviceId",schemaPath:"#/properties/devices/items/properties/deviceId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$"},message:"must match pattern \""+"^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$"+"\""};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
else {
const err46 = {instancePath:instancePath+"/devices/" + i0+"/deviceId",schemaPath:"#/properties/devices/items/properties/deviceId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data16.profile !== undefined){
let data18 = data16.profile;
if(typeof data18 === "string"){
if(func2(data18) < 1){
const err47 = {instancePath:instancePath+"/devices/" + i0+"/profile",schemaPath:"#/properties/devices/items/properties/profile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
}
else {
const err48 = {instancePath:instancePath+"/devices/" + i0+"/profile",schemaPath:"#/properties/devices/items/properties/profile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
if(data16.port !== undefined){
let data19 = data16.port;
if(typeof data19 === "string"){
if(func2(data19) < 1){
const err49 = {instancePath:instancePath+"/devices/" + i0+"/port",schemaPath:"#/properties/devices/items/properties/port/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
else {
const err50 = {instancePath:instancePath+"/devices/" + i0+"/port",schemaPath:"#/properties/devices/items/properties/port/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
if(data16.unitId !== undefined){
let data20 = data16.unitId;
if(!(((typeof data20 == "number") && (!(data20 % 1) && !isNaN(data20))) && (isFinite(data20)))){
const err51 = {instancePath:instancePath+"/devices/" + i0+"/unitId",schemaPath:"#/properties/devices/items/properties/unitId/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 > 255 || isNaN(data20)){
const err52 = {instancePath:instancePath+"/devices/" + i0+"/unitId",schemaPath:"#/properties/devices/items/properties/unitId/maximum",keyword:"maximum",params:{comparison: "<=", limit: 255},message:"must be <= 255"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
if(data20 < 0 || isNaN(data20)){
const err53 = {instancePath:instancePath+"/devices/" + i0+"/unitId",schemaPath:"#/properties/devices/items/properties/unitId/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
}
if(data16.pollIntervalS !== undefined){
let data21 = data16.pollIntervalS;
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 > 86400 || isNaN(data21)){
const err54 = {instancePath:instancePath+"/devices/" + i0+"/pollIntervalS",schemaPath:"#/properties/devices/items/properties/pollIntervalS/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
if(data21 < 0.05 || isNaN(data21)){
const err55 = {instancePath:instancePath+"/devices/" + i0+"/pollIntervalS",schemaPath:"#/properties/devices/items/properties/pollIntervalS/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0.05},message:"must be >= 0.05"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
else {
const err56 = {instancePath:instancePath+"/devices/" + i0+"/pollIntervalS",schemaPath:"#/properties/devices/items/properties/pollIntervalS/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
let data22 = data16.timeoutMs;
if(!(((typeof data22 == "number") && (!(data22 % 1) && !isNaN(data22))) && (isFinite(data22)))){
const err57 = {instancePath:instancePath+"/devices/" + i0+"/timeoutMs",schemaPath:"#/properties/devices/items/properties/timeoutMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 > 60000 || isNaN(data22)){
const err58 = {instancePath:instancePath+"/devices/" + i0+"/timeoutMs",schemaPath:"#/properties/devices/items/properties/timeoutMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 60000},message:"must be <= 60000"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
if(data22 < 10 || isNaN(data22)){
const err59 = {instancePath:instancePath+"/devices/" + i0+"/timeoutMs",schemaPath:"#/properties/devices/items/properties/timeoutMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 10},message:"must be >= 10"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
let data23 = data16.retries;
if(!(((typeof data23 == "number") && (!(data23 % 1) && !isNaN(data23))) && (isFinite(data23)))){
const err60 = {instancePath:instancePath+"/devices/" + i0+"/retries",schemaPath:"#/properties/devices/items/properties/retries/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
if((typeof data23 == "number") && (isFinite(data23))){
if(data23 > 10 || isNaN(data23)){
const err61 = {instancePath:instancePath+"/devices/" + i0+"/retries",schemaPath:"#/properties/devices/items/properties/retries/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10},message:"must be <= 10"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
if(data23 < 0 || isNaN(data23)){
const err62 = {instancePath:instancePath+"/devices/" + i0+"/retries",schemaPath:"#/properties/devices/items/properties/retries/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
}
else {
const err63 = {instancePath:instancePath+"/devices/" + i0,schemaPath:"#/properties/devices/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
}
}
else {
const err64 = {instancePath:instancePath+"/devices",schemaPath:"#/properties/devices/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
}
if(typeof data.coalesce !== "boolean"){
const err65 = {instancePath:instancePath+"/coalesce",schemaPath:"#/properties/coalesce/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
if(data.maxGap !== undefined){
let data25 = data.maxGap;
if(!(((typeof data25 == "number") && (!(data25 % 1) && !isNaN(data25))) && (isFinite(data25)))){
const err66 = {instancePath:instancePath+"/maxGap",schemaPath:"#/properties/maxGap/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
if((typeof data25 == "number") && (isFinite(data25))){
if(data25 > 125 || isNaN(data25)){
const err67 = {instancePath:instancePath+"/maxGap",schemaPath:"#/properties/maxGap/maximum",keyword:"maximum",params:{comparison: "<=", limit: 125},message:"must be <= 125"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
if(data25 < 0 || isNaN(data25)){
const err68 = {instancePath:instancePath+"/maxGap",schemaPath:"#/properties/maxGap/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
}
let data26 = data.profileDirs;
if(Array.isArray(data26)){
const len1 = data26.length;
for(let i1=0; i1<len1; i1++){
let data27 = data26[i1];
if(typeof data27 === "string"){
if(func2(data27) < 1){
const err69 = {instancePath:instancePath+"/profileDirs/" + i1,schemaPath:"#/properties/profileDirs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
}
else {
const err70 = {instancePath:instancePath+"/profileDirs/" + i1,schemaPath:"#/properties/profileDirs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
}
else {
const err71 = {instancePath:instancePath+"/profileDirs",schemaPath:"#/properties/profileDirs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
let data28 = data.backoff;
if(data28 && typeof data28 == "object" && !Array.isArray(data28)){
if(data28.afterFailures === undefined){
data28.afterFailures = 3;
}
if(data28.maxDelayS === undefined){
data28.maxDelayS = 300;
}
for(const key6 in data28){
if(!((key6 === "afterFailures") || (key6 === "maxDelayS"))){
const err72 = {instancePath:instancePath+"/backoff",schemaPath:"#/properties/backoff/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
let data29 = data28.afterFailures;
if(!(((typeof data29 == "number") && (!(data29 % 1) && !isNaN(data29))) && (isFinite(data29)))){
const err73 = {instancePath:instancePath+"/backoff/afterFailures",schemaPath:"#/properties/backoff/properties/afterFailures/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
if((typeof data29 == "number") && (isFinite(data29))){
if(data29 > 100 || isNaN(data29)){
const err74 = {instancePath:instancePath+"/backoff/afterFailures",schemaPath:"#/properties/backoff/properties/afterFailures/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
if(data29 < 1 || isNaN(data29)){
const err75 = {instancePath:instancePath+"/backoff/afterFailures",schemaPath:"#/properties/backoff/properties/afterFailures/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
let data30 = data28.maxDelayS;
if((typeof data30 == "number") && (isFinite(data30))){
if(data30 > 86400 || isNaN(data30)){
const err76 = {instancePath:instancePath+"/backoff/maxDelayS",schemaPath:"#/properties/backoff/properties/maxDelayS/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
if(data30 < 1 || isNaN(data30)){
const err77 = {instancePath:instancePath+"/backoff/maxDelayS",schemaPath:"#/properties/backoff/properties/maxDelayS/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
else {
const err78 = {instancePath:instancePath+"/backoff/maxDelayS",schemaPath:"#/properties/backoff/properties/maxDelayS/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
}
else {
const err79 = {instancePath:instancePath+"/backoff",schemaPath:"#/properties/backoff/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
let data31 = data.reopen;
if(data31 && typeof data31 == "object" && !Array.isArray(data31)){
if(data31.minDelayMs === undefined){
data31.minDelayMs = 500;
}
if(data31.maxDelayMs === undefined){
data31.maxDelayMs = 30000;
}
for(const key7 in data31){
if(!((key7 === "minDelayMs") || (key7 === "maxDelayMs"))){
const err80 = {instancePath:instancePath+"/reopen",schemaPath:"#/properties/reopen/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
let data32 = data31.minDelayMs;
if(!(((typeof data32 == "number") && (!(data32 % 1) && !isNaN(data32))) && (isFinite(data32)))){
const err81 = {instancePath:instancePath+"/reopen/minDelayMs",schemaPath:"#/properties/reopen/properties/minDelayMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
if((typeof data32 == "number") && (isFinite(data32))){
if(data32 > 600000 || isNaN(data32)){
const err82 = {instancePath:instancePath+"/reopen/minDelayMs",schemaPath:"#/properties/reopen/properties/minDelayMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 600000},message:"must be <= 600000"};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
if(data32 < 10 || isNaN(data32)){
const err83 = {instancePath:instancePath+"/reopen/minDelayMs",schemaPath:"#/properties/reopen/properties/minDelayMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 10},message:"must be >= 10"};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
}
let data33 = data31.maxDelayMs;
if(!(((typeof data33 == "number") && (!(data33 % 1) && !isNaN(data33))) && (isFinite(data33)))){
const err84 = {instancePath:instancePath+"/reopen/maxDelayMs",schemaPath:"#/properties/reopen/properties/maxDelayMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
if((typeof data33 == "number") && (isFinite(data33))){
if(data33 > 3600000 || isNaN(data33)){
const err85 = {instancePath:instancePath+"/reopen/maxDelayMs",schemaPath:"#/properties/reopen/properties/maxDelayMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 3600000},message:"must be <= 3600000"};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
if(data33 < 10 || isNaN(data33)){
const err86 = {instancePath:instancePath+"/reopen/maxDelayMs",schemaPath:"#/properties/reopen/properties/maxDelayMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 10},message:"must be >= 10"};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
}
else {
const err87 = {instancePath:instancePath+"/reopen",schemaPath:"#/properties/reopen/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
}
else {
const err88 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
validate11.errors = vErrors;
return errors === 0;
}

export const validateSerialConfig = validate12;
const schema13 = {"type":"object","additionalProperties":false,"required":["ports"],"properties":{"ports":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["name","path"],"properties":{"name":{"type":"string","pattern":"^[A-Za-z0-9_.-]{1,64}$"},"path":{"type":"string","minLength":1},"baudRate":{"type":"integer","minimum":50,"maximum":4000000},"dataBits":{"enum":[5,6,7,8],"default":8},"parity":{"enum":["none","even","odd","mark","space"],"default":"none"},"stopBits":{"enum":[1,1.5,2],"default":1},"framing":{"type":"object","required":["kind"],"properties":{"kind":{"enum":["delimiter","fixed","lengthPrefixed","timeout"]}},"allOf":[{"if":{"properties":{"kind":{"const":"delimiter"}}},"then":{"type":"object","additionalProperties":false,"properties":{"kind":{"const":"delimiter"},"delimiter":{"type":"string","minLength":1,"maxLength":16},"delimiterHex":{"type":"string","pattern":"^(?:[0-9A-Fa-f]{2})+$","maxLength":32},"includeDelimiter":{"type":"boolean","default":false},"maxFrameBytes":{"type":"integer","minimum":1,"maximum":1048576,"default":1024}},"not":{"required":["delimiter","delimiterHex"],"properties":{"delimiter":true,"delimiterHex":true}}}},{"if":{"properties":{"kind":{"const":"fixed"}}},"then":{"type":"object","additionalProperties":false,"required":["length"],"properties":{"kind":{"const":"fixed"},"length":{"type":"integer","minimum":1,"maximum":65536},"syncHex":{"type":"string","pattern":"^(?:[0-9A-Fa-f]{2})+$","maxLength":32}}}},{"if":{"properties":{"kind":{"const":"lengthPrefixed"}}},"then":{"type":"object","additionalProperties":false,"properties":{"kind":{"const":"lengthPrefixed"},"lengthOffset":{"type":"integer","minimum":0,"maximum":64,"default":0},"lengthBytes":{"enum":[1,2],"default":1},"byteOrder":{"enum":["BE","LE"],"default":"BE"},"lengthAdjustment":{"type":"integer","minimum":-66,"maximum":1024,"default":0},"stripBytes":{"type":"integer","minimum":0,"maximum":66,"default":0},"maxFrameBytes":{"type":"integer","minimum":1,"maximum":1048576,"default":1024},"syncHex":{"type":"string","pattern":"^(?:[0-9A-Fa-f]{2})+$","maxLength":32}}}},{"if":{"properties":{"kind":{"const":"timeout"}}},"then":{"type":"object","additionalProperties":false,"properties":{"kind":{"const":"timeout"},"silenceMs":{"type":"integer","minimum":1,"maximum":60000,"default":50},"maxFrameBytes":{"type":"integer","minimum":1,"maximum":1048576,"default":1024}}}}]},"parser":{"type":"object","required":["kind"],"properties":{"kind":{"enum":["lines","json","nmea","regex"]}},"allOf":[{"if":{"properties":{"kind":{"const":"lines"}}},"then":{"type":"object","additionalProperties":false,"properties":{"kind":{"const":"lines"},"encoding":{"enum":["utf8","latin1","ascii"],"default":"utf8"},"trim":{"type":"boolean","default":true},"separator":{"type":"string","minLength":1,"maxLength":8},"columns":{"type":"array","items":{"type":"string","pattern":"^[A-Za-z_$][\\w$]*$"},"maxItems":256}}}},{"if":{"properties":{"kind":{"const":"json"}}},"then":{"type":"object","additionalProperties":false,"properties":{"kind":{"const":"json"},"encoding":{"enum":["utf8","latin1","ascii"],"default":"utf8"}}}},{"if":{"properties":{"kind":{"const":"nmea"}}},"then":{"type":"object","additionalProperties":false,"properties":{"kind":{"const":"nmea"},"requireChecksum":{"type":"boolean","default":true},"sentences":{"type":"array","items":{"type":"string","pattern":"^[A-Z0-9]{2,6}$"},"minItems":1}}}},{"if":{"properties":{"kind":{"const":"regex"}}},"then":{"type":"object","additionalProperties":false,"properties":{"kind":{"const":"regex"},"pattern":{"type":"string","minLength":1,"maxLength":1000},"flags":{"type":"string","pattern":"^[imsu]*$","default":""},"encoding":{"enum":["utf8","latin1","ascii"],"default":"utf8"},"trim":{"type":"boolean","default":true}}}}]},"deviceId":{"type":"string","pattern":"^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$"},"profile":{"type":"string","minLength":1},"pollIntervalS":{"type":"number","minimum":0.05,"maximum":86400},"devices":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["deviceId","profile"],"properties":{"deviceId":{"type":"string","pattern":"^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$"},"profile":{"type":"string","minLength":1},"pollIntervalS":{"type":"number","minimum":0.05,"maximum":86400},"match":{"type":"object","minProperties":1,"additionalProperties":{"anyOf":[{"type":"string"},{"type":"number"},{"type":"boolean"}]}}}},"minItems":1},"telemetry":{"enum":["interval","frame"],"default":"interval"},"commands":{"type":"object","default":{},"propertyNames":{"pattern":"^[A-Za-z][A-Za-z0-9_.-]{0,63}$","not":{"const":"write"}},"additionalProperties":{"type":"object","additionalProperties":false,"required":["data"],"properties":{"data":{"type":"string","maxLength":4096},"encoding":{"enum":["utf8","hex","base64"],"default":"utf8"},"appendDelimiter":{"type":"boolean","default":false},"replyTimeoutMs":{"type":"integer","minimum":1,"maximum":60000}}}}},"oneOf":[{"required":["deviceId","profile"],"properties":{"deviceId":true,"profile":true},"not":{"required":["devices"],"properties":{"devices":true}}},{"required":["devices"],"properties":{"devices":true},"not":{"anyOf":[{"required":["deviceId"],"properties":{"deviceId":true}},{"required":["profile"],"properties":{"profile":true}},{"required":["pollIntervalS"],"properties":{"pollIntervalS":true}}]}}]}},"profileDirs":{"type":"array","items":{"type":"string","minLength":1},"default":[]},"reopen":{"type":"object","additionalProperties":false,"default":{},"properties":{"minDelayMs":{"type":"integer","minimum":10,"maximum":600000,"default":500},"maxDelayMs":{"type":"integer","minimum":10,"maximum":3600000,"default":30000}}},"maxPendingTelemetry":{"type":"integer","minimum":1,"maximum":100000,"default":100},"maxPendingWrites":{"type":"integer","minimum":1,"maximum":1000,"default":16}}};
const func7 = Object.prototype.hasOwnProperty;
const pattern3 = new RegExp("^(?:[0-9A-Fa-f]{2})+$", "u");
const pattern6 = new RegExp("^[A-Za-z_$][\\w$]*$", "u");
const pattern7 = new RegExp("^[A-Z0-9]{2,6}$", "u");
const pattern8 = new RegExp("^[imsu]*$", "u");
const pattern11 = new RegExp("^[A-Za-z][A-Za-z0-9_.-]{0,63}$", "u");

function validate12(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.profileDirs === undefined){
data.profileDirs = [];
}
if(data.reopen === undefined){
data.reopen = {};
}
if(data.maxPendingTelemetry === undefined){
data.maxPendingTelemetry = 100;
}
if(data.maxPendingWrites === undefined){
data.maxPendingWrites = 16;
}
if(data.ports === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "ports"},message:"must have required property '"+"ports"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(((((key0 === "ports") || (key0 === "profileDirs")) || (key0 === "reopen")) || (key0 === "maxPendingTelemetry")) || (key0 === "maxPendingWrites"))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.ports !== undefined){
let data0 = data.ports;
if(Array.isArray(data0)){
const len0 = data0.length;
for(let i0=0; i0<len0; i0++){
let data1 = data0[i0];
const _errs6 = errors;
let valid3 = false;
let passing0 = null;
const _errs7 = errors;
const _errs8 = errors;
const _errs9 = errors;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
let missing0;
if((data1.devices === undefined) && (missing0 = "devices")){
const err2 = {};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
var valid4 = _errs9 === errors;
if(valid4){
const err3 = {instancePath:instancePath+"/ports/" + i0,schemaPath:"#/properties/ports/items/oneOf/0/not",keyword:"not",params:{},message:"must NOT be valid"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
else {
errors = _errs8;
if(vErrors !== null){
if(_errs8){
vErrors.length = _errs8;
}
else {
vErrors = null;
}
}
}
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.deviceId === undefined){
const err4 = {instancePath:instancePath+"/ports/" + i0,schemaPath:"#/properties/ports/items/oneOf/0/required",keyword:"required",params:{missingProperty: "deviceId"},message:"must have required property '"+"deviceId"+"'"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(data1.profile === undefined){
const err5 = {instancePath:instancePath+"/ports/" + i0,schemaPath:"#/properties/ports/items/oneOf/0/required",keyword:"required",params:{missingProperty: "profile"},message:"must have required property '"+"profile"+"'"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
var _valid0 = _errs7 === errors;
if(_valid0){
valid3 = true;
passing0 = 0;
}
const _errs10 = errors;
const _errs11 = errors;
const _errs12 = errors;
const _errs13 = errors;
let valid6 = false;
const _errs14 = errors;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
let missing1;
if((data1.deviceId === undefined) && (missing1 = "deviceId")){
const err6 = {};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
var _valid1 = _errs14 === errors;
valid6 = valid6 || _valid1;
if(!valid6){
const _errs15 = errors;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
let missing2;
if((data1.profile === undefined) && (missing2 = "profile")){
const err7 = {};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
var _valid1 = _errs15 === errors;
valid6 = valid6 || _valid1;
if(!valid6){
const _errs16 = errors;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
let missing3;
if((data1.pollIntervalS === undefined) && (missing3 = "pollIntervalS")){
const err8 = {};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
var _valid1 = _errs16 === errors;
valid6 = valid6 || _valid1;
}
}
if(!valid6){
const err9 = {};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
else {
errors = _errs13;
if(vErrors !== null){
if(_errs13){
vErrors.length = _errs13;
}
else {
vErrors = null;
}
}
}
var valid5 = _errs12 === errors;
if(valid5){
const err10 = {instancePath:instancePath+"/ports/" + i0,schemaPath:"#/properties/ports/items/oneOf/1/not",keyword:"not",params:{},message:"must NOT be valid"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
else {
errors = _errs11;
if(vErrors !== null){
if(_errs11){
vErrors.length = _errs11;
}
else {
vErrors = null;
}
}
}
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.devices === undefined){
const err11 = {instancePath:instancePath+"/ports/" + i0,schemaPath:"#/properties/ports/items/oneOf/1/required",keyword:"required",params:{missingProperty: "devices"},message:"must have required property '"+"devices"+"'"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
var _valid0 = _errs10 === errors;
if(_valid0 && valid3){
valid3 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid3 = true;
passing0 = 1;
}
}
if(!valid3){
const err12 = {instancePath:instancePath+"/ports/" + i0,schemaPath:"#/properties/ports/items/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
else {
errors = _errs6;
if(vErrors !== null){
if(_errs6){
vErrors.length = _errs6;
}
else {
vErrors = null;
}
}
}
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
if(data1.dataBits === undefined){
data1.dataBits = 8;
}
if(data1.parity === undefined){
data1.parity = "none";
}
if(data1.stopBits === undefined){
data1.stopBits = 1;
}
if(data1.telemetry === undefined){
data1.telemetry = "interval";
}
if(data1.commands === undefined){
data1.commands = {};
}
if(data1.name === undefined){
const err13 = {instancePath:instancePath+"/ports/" + i0,schemaPath:"#/properties/ports/items/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(data1.path === undefined){
const err14 = {instancePath:instancePath+"/ports/" + i0,schemaPath:"#/properties/ports/items/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
for(const key1 in data1){
if(!(func7.call(schema13.properties.ports.items.properties, key1))){
const err15 = {instancePath:instancePath+"/ports/" + i0,schemaPath:"#/properties/ports/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data1.name !== undefined){
let data2 = data1.name;
if(typeof data2 === "string"){
if(!pattern0.test(data2)){
const err16 = {instancePath:instancePath+"/ports/" + i0+"/name",schemaPath:"#/properties/ports/items/properties/name/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_.-]{1,64}$"},message:"must match pattern \""+"^[A-Za-z0-9_.-]{1,64}$"+"\""};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
else {
const err17 = {instancePath:instancePath+"/ports/" + i0+"/name",schemaPath:"#/properties/ports/items/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data1.path !== undefined){
let data3 = data1.path;
if(typeof data3 === "string"){
if(func2(data3) < 1){
const err18 = {instancePath:instancePath+"/ports/" + i0+"/path",schemaPath:"#/properties/ports/items/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/ports/" + i0+"/path",schemaPath:"#/properties/ports/items/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data1.baudRate !== undefined){
let data4 = data1.baudRate;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
const err20 = {instancePath:instancePath+"/ports/" + i0+"/baudRate",schemaPath:"#/properties/ports/items/properties/baudRate/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 > 4000000 || isNaN(data4)){
const err21 = {instancePath:instancePath+"/ports/" + i0+"/baudRate",schemaPath:"#/properties/ports/items/properties/baudRate/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4000000},message:"must be <= 4000000"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(data4 < 50 || isNaN(data4)){
const err22 = {instancePath:instancePath+"/ports/" + i0+"/baudRate",schemaPath:"#/properties/ports/items/properties/baudRate/minimum",keyword:"minimum",params:{comparison: ">=", limit: 50},message:"must be >= 50"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
let data5 = data1.dataBits;
if(!((((data5 === 5) || (data5 === 6)) || (data5 === 7)) || (data5 === 8))){
const err23 = {instancePath:instancePath+"/ports/" + i0+"/dataBits",schemaPath:"#/properties/ports/items/properties/dataBits/enum",keyword:"enum",params:{allowedValues: schema13.properties.ports.items.properties.dataBits.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
let data6 = data1.parity;
if(!(((((data6 === "none") || (data6 === "even")) || (data6 === "odd")) || (data6 === "mark")) || (data6 === "space"))){
const err24 = {instancePath:instancePath+"/ports/" + i0+"/parity",schemaPath:"#/properties/ports/items/properties/parity/enum",keyword:"enum",params:{allowedValues: schema13.properties.ports.items.properties.parity.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
let data7 = data1.stopBits;
if(!(((data7 === 1) || (data7 === 1.5)) || (data7 === 2))){
const err25 = {instancePath:instancePath+"/ports/" + i0+"/stopBits",schemaPath:"#/properties/ports/items/properties/stopBits/enum",keyword:"enum",params:{allowedValues: schema13.properties.ports.items.properties.stopBits.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if(data1.framing !== undefined){
let data8 = data1.framing;
const _errs30 = errors;
let valid9 = true;
const _errs31 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.kind !== undefined){
if("delimiter" !== data8.kind){
const err26 = {};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
var _valid2 = _errs31 === errors;
errors = _errs30;
if(vErrors !== null){
if(_errs30){
vErrors.length = _errs30;
}
else {
vErrors = null;
}
}
if(_valid2){
const _errs33 = errors;
const _errs35 = errors;
const _errs36 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
let missing4;
if(((data8.delimiter === undefined) && (missing4 = "delimiter")) || ((data8.delimiterHex === undefined) && (missing4 = "delimiterHex"))){
const err27 = {};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
var valid11 = _errs36 === errors;
if(valid11){
const err28 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/not",keyword:"not",params:{},message:"must NOT be valid"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
else {
errors = _errs35;
if(vErrors !== null){
if(_errs35){
vErrors.length = _errs35;
}
else {
vErrors = null;
}
}
}
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.includeDelimiter === undefined){
data8.includeDelimiter = false;
}
if(data8.maxFrameBytes === undefined){
data8.maxFrameBytes = 1024;
}
for(const key2 in data8){
if(!(((((key2 === "kind") || (key2 === "delimiter")) || (key2 === "delimiterHex")) || (key2 === "includeDelimiter")) || (key2 === "maxFrameBytes"))){
const err29 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data8.kind !== undefined){
if("delimiter" !== data8.kind){
const err30 = {instancePath:instancePath+"/ports/" + i0+"/framing/kind",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/properties/kind/const",keyword:"const",params:{allowedValue: "delimiter"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
if(data8.delimiter !== undefined){
let data11 = data8.delimiter;
if(typeof data11 === "string"){
if(func2(data11) > 16){
const err31 = {instancePath:instancePath+"/ports/" + i0+"/framing/delimiter",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/properties/delimiter/maxLength",keyword:"maxLength",params:{limit: 16},message:"must NOT have more than 16 characters"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if(func2(data11) < 1){
const err32 = {instancePath:instancePath+"/ports/" + i0+"/framing/delimiter",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/properties/delimiter/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
else {
const err33 = {instancePath:instancePath+"/ports/" + i0+"/framing/delimiter",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/properties/delimiter/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data8.delimiterHex !== undefined){
let data12 = data8.delimiterHex;
if(typeof data12 === "string"){
if(func2(data12) > 32){
const err34 = {instancePath:instancePath+"/ports/" + i0+"/framing/delimiterHex",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/properties/delimiterHex/maxLength",keyword:"maxLength",params:{limit: 32},message:"must NOT have more than 32 characters"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
if(!pattern3.test(data12)){
const err35 = {instancePath:instancePath+"/ports/" + i0+"/framing/delimiterHex",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/properties/delimiterHex/pattern",keyword:"pattern",params:{pattern: "^(?:[0-9A-Fa-f]{2})+$"},message:"must match pattern \""+"^(?:[0-9A-Fa-f]{2})+$"+"\""};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
else {
const err36 = {instancePath:instancePath+"/ports/" + i0+"/framing/delimiterHex",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/properties/delimiterHex/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
if(typeof data8.includeDelimiter !== "boolean"){
const err37 = {instancePath:instancePath+"/ports/" + i0+"/framing/includeDelimiter",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/properties/includeDelimiter/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
let data14 = data8.maxFrameBytes;
if(!(((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14))) && (isFinite(data14)))){
const err38 = {instancePath:instancePath+"/ports/" + i0+"/framing/maxFrameBytes",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/properties/maxFrameBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 > 1048576 || isNaN(data14)){
const err39 = {instancePath:instancePath+"/ports/" + i0+"/framing/maxFrameBytes",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/properties/maxFrameBytes/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
if(data14 < 1 || isNaN(data14)){
const err40 = {instancePath:instancePath+"/ports/" + i0+"/framing/maxFrameBytes",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/properties/maxFrameBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
}
else {
const err41 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/then/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
var _valid2 = _errs33 === errors;
valid9 = _valid2;
}
if(!valid9){
const err42 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/0/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
const _errs48 = errors;
let valid13 = true;
const _errs49 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.kind !== undefined){
if("fixed" !== data8.kind){
const err43 = {};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
}
var _valid3 = _errs49 === errors;
errors = _errs48;
if(vErrors !== null){
if(_errs48){
vErrors.length = _errs48;
}
else {
vErrors = null;
}
}
if(_valid3){
const _errs51 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.length === undefined){
const err44 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/1/then/required",keyword:"required",params:{missingProperty: "length"},message:"must have required property '"+"length"+"'"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
for(const key3 in data8){
if(!(((key3 === "kind") || (key3 === "length")) || (key3 === "syncHex"))){
const err45 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/1/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
if(data8.kind !== undefined){
if("fixed" !== data8.kind){
const err46 = {instancePath:instancePath+"/ports/" + i0+"/framing/kind",schemaPath:"#/properties/ports/items/properties/framing/allOf/1/then/properties/kind/const",keyword:"const",params:{allowedValue: "fixed"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data8.length !== undefined){
let data17 = data8.length;
if(!(((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17))) && (isFinite(data17)))){
const err47 = {instancePath:instancePath+"/ports/" + i0+"/framing/length",schemaPath:"#/properties/ports/items/properties/framing/allOf/1/then/properties/length/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if((typeof data17 == "number") && (isFinite(data17))){
if(data17 > 65536 || isNaN(data17)){
const err48 = {instancePath:instancePath+"/ports/" + i0+"/framing/length",schemaPath:"#/properties/ports/items/properties/framing/allOf/1/then/properties/length/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65536},message:"must be <= 65536"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
if(data17 < 1 || isNaN(data17)){
const err49 = {instancePath:instancePath+"/ports/" + i0+"/framing/length",schemaPath:"#/properties/ports/items/properties/framing/allOf/1/then/properties/length/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
}
if(data8.syncHex !== undefined){
let data18 = data8.syncHex;
if(typeof data18 === "string"){
if(func2(data18) > 32){
const err50 = {instancePath:instancePath+"/ports/" + i0+"/framing/syncHex",schemaPath:"#/properties/ports/items/properties/framing/allOf/1/then/properties/syncHex/maxLength",keyword:"maxLength",params:{limit: 32},message:"must NOT have more than 32 characters"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
if(!pattern3.test(data18)){
const err51 = {instancePath:instancePath+"/ports/" + i0+"/framing/syncHex",schemaPath:"#/properties/ports/items/properties/framing/allOf/1/then/properties/syncHex/pattern",keyword:"pattern",params:{pattern: "^(?:[0-9A-Fa-f]{2})+$"},message:"must match pattern \""+"^(?:[0-9A-Fa-f]{2})+$"+"\""};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
else {
const err52 = {instancePath:instancePath+"/ports/" + i0+"/framing/syncHex",schemaPath:"#/properties/ports/items/properties/framing/allOf/1/then/properties/syncHex/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
}
else {
const err53 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/1/then/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
var _valid3 = _errs51 === errors;
valid13 = _valid3;
}
if(!valid13){
const err54 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/1/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
const _errs60 = errors;
let valid16 = true;
const _errs61 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.kind !== undefined){
if("lengthPrefixed" !== data8.kind){
const err55 = {};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
}
var _valid4 = _errs61 === errors;
errors = _errs60;
if(vErrors !== null){
if(_errs60){
vErrors.length = _errs60;
}
else {
vErrors = null;
}
}
if(_valid4){
const _errs63 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.lengthOffset === undefined){
data8.lengthOffset = 0;
}
if(data8.lengthBytes === undefined){
data8.lengthBytes = 1;
}
if(data8.byteOrder === undefined){
data8.byteOrder = "BE";
}
if(data8.lengthAdjustment === undefined){
data8.lengthAdjustment = 0;
}
if(data8.stripBytes === undefined){
data8.stripBytes = 0;
}
if(data8.maxFrameBytes === undefined){
data8.maxFrameBytes = 1024;
}
for(const key4 in data8){
if(!((((((((key4 === "kind") || (key4 === "lengthOffset")) || (key4 === "lengthBytes")) || (key4 === "byteOrder")) || (key4 === "lengthAdjustment")) || (key4 === "stripBytes")) || (key4 === "maxFrameBytes")) || (key4 === "syncHex"))){
const err56 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
if(data8.kind !== undefined){
if("lengthPrefixed" !== data8.kind){
const err57 = {instancePath:instancePath+"/ports/" + i0+"/framing/kind",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/kind/const",keyword:"const",params:{allowedValue: "lengthPrefixed"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
}
let data21 = data8.lengthOffset;
if(!(((typeof data21 == "number") && (!(data21 % 1) && !isNaN(data21))) && (isFinite(data21)))){
const err58 = {instancePath:instancePath+"/ports/" + i0+"/framing/lengthOffset",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/lengthOffset/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 > 64 || isNaN(data21)){
const err59 = {instancePath:instancePath+"/ports/" + i0+"/framing/lengthOffset",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/lengthOffset/maximum",keyword:"maximum",params:{comparison: "<=", limit: 64},message:"must be <= 64"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
if(data21 < 0 || isNaN(data21)){
const err60 = {instancePath:instancePath+"/ports/" + i0+"/framing/lengthOffset",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/lengthOffset/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
let data22 = data8.lengthBytes;
if(!((data22 === 1) || (data22 === 2))){
const err61 = {instancePath:instancePath+"/ports/" + i0+"/framing/lengthBytes",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/lengthBytes/enum",keyword:"enum",params:{allowedValues: schema13.properties.ports.items.properties.framing.allOf[2].then.properties.lengthBytes.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
let data23 = data8.byteOrder;
if(!((data23 === "BE") || (data23 === "LE"))){
const err62 = {instancePath:instancePath+"/ports/" + i0+"/framing/byteOrder",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/byteOrder/enum",keyword:"enum",params:{allowedValues: schema13.properties.ports.items.properties.framing.allOf[2].then.properties.byteOrder.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
let data24 = data8.lengthAdjustment;
if(!(((typeof data24 == "number") && (!(data24 % 1) && !isNaN(data24))) && (isFinite(data24)))){
const err63 = {instancePath:instancePath+"/ports/" + i0+"/framing/lengthAdjustment",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/lengthAdjustment/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
if((typeof data24 == "number") && (isFinite(data24))){
if(data24 > 1024 || isNaN(data24)){
const err64 = {instancePath:instancePath+"/ports/" + i0+"/framing/lengthAdjustment",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/lengthAdjustment/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1024},message:"must be <= 1024"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
if(data24 < -66 || isNaN(data24)){
const err65 = {instancePath:instancePath+"/ports/" + i0+"/framing/lengthAdjustment",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/lengthAdjustment/minimum",keyword:"minimum",params:{comparison: ">=", limit: -66},message:"must be >= -66"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
let data25 = data8.stripBytes;
if(!(((typeof data25 == "number") && (!(data25 % 1) && !isNaN(data25))) && (isFinite(data25)))){
const err66 = {instancePath:instancePath+"/ports/" + i0+"/framing/stripBytes",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/stripBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
if((typeof data25 == "number") && (isFinite(data25))){
if(data25 > 66 || isNaN(data25)){
const err67 = {instancePath:instancePath+"/ports/" + i0+"/framing/stripBytes",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/stripBytes/maximum",keyword:"maximum",params:{comparison: "<=", limit: 66},message:"must be <= 66"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
if(data25 < 0 || isNaN(data25)){
const err68 = {instancePath:instancePath+"/ports/" + i0+"/framing/stripBytes",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/stripBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
let data26 = data8.maxFrameBytes;
if(!(((typeof data26 == "number") && (!(data26 % 1) && !isNaN(data26))) && (isFinite(data26)))){
const err69 = {instancePath:instancePath+"/ports/" + i0+"/framing/maxFrameBytes",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/maxFrameBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
if((typeof data26 == "number") && (isFinite(data26))){
if(data26 > 1048576 || isNaN(data26)){
const err70 = {instancePath:instancePath+"/ports/" + i0+"/framing/maxFrameBytes",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/maxFrameBytes/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
if(data26 < 1 || isNaN(data26)){
const err71 = {instancePath:instancePath+"/ports/" + i0+"/framing/maxFrameBytes",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/maxFrameBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
if(data8.syncHex !== undefined){
let data27 = data8.syncHex;
if(typeof data27 === "string"){
if(func2(data27) > 32){
const err72 = {instancePath:instancePath+"/ports/" + i0+"/framing/syncHex",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/syncHex/maxLength",keyword:"maxLength",params:{limit: 32},message:"must NOT have more than 32 characters"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
if(!pattern3.test(data27)){
const err73 = {instancePath:instancePath+"/ports/" + i0+"/framing/syncHex",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/syncHex/pattern",keyword:"pattern",params:{pattern: "^(?:[0-9A-Fa-f]{2})+$"},message:"must match pattern \""+"^(?:[0-9A-Fa-f]{2})+$"+"\""};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
else {
const err74 = {instancePath:instancePath+"/ports/" + i0+"/framing/syncHex",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/properties/syncHex/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
}
else {
const err75 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/then/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
var _valid4 = _errs63 === errors;
valid16 = _valid4;
}
if(!valid16){
const err76 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/2/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
const _errs80 = errors;
let valid19 = true;
const _errs81 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.kind !== undefined){
if("timeout" !== data8.kind){
const err77 = {};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
}
var _valid5 = _errs81 === errors;
errors = _errs80;
if(vErrors !== null){
if(_errs80){
vErrors.length = _errs80;
}
else {
vErrors = null;
}
}
if(_valid5){
const _errs83 = errors;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.silenceMs === undefined){
data8.silenceMs = 50;
}
if(data8.maxFrameBytes === undefined){
data8.maxFrameBytes = 1024;
}
for(const key5 in data8){
if(!(((key5 === "kind") || (key5 === "silenceMs")) || (key5 === "maxFrameBytes"))){
const err78 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/3/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
}
if(data8.kind !== undefined){
if("timeout" !== data8.kind){
const err79 = {instancePath:instancePath+"/ports/" + i0+"/framing/kind",schemaPath:"#/properties/ports/items/properties/framing/allOf/3/then/properties/kind/const",keyword:"const",params:{allowedValue: "timeout"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
}
let data30 = data8.silenceMs;
if(!(((typeof data30 == "number") && (!(data30 % 1) && !isNaN(data30))) && (isFinite(data30)))){
const err80 = {instancePath:instancePath+"/ports/" + i0+"/framing/silenceMs",schemaPath:"#/properties/ports/items/properties/framing/allOf/3/then/properties/silenceMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
if((typeof data30 == "number") && (isFinite(data30))){
if(data30 > 60000 || isNaN(data30)){
const err81 = {instancePath:instancePath+"/ports/" + i0+"/framing/silenceMs",schemaPath:"#/properties/ports/items/properties/framing/allOf/3/then/properties/silenceMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 60000},message:"must be <= 60000"};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
if(data30 < 1 || isNaN(data30)){
const err82 = {instancePath:instancePath+"/ports/" + i0+"/framing/silenceMs",schemaPath:"#/properties/ports/items/properties/framing/allOf/3/then/properties/silenceMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
}
let data31 = data8.maxFrameBytes;
if(!(((typeof data31 == "number") && (!(data31 % 1) && !isNaN(data31))) && (isFinite(data31)))){
const err83 = {instancePath:instancePath+"/ports/" + i0+"/framing/maxFrameBytes",schemaPath:"#/properties/ports/items/properties/framing/allOf/3/then/properties/maxFrameBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
if((typeof data31 == "number") && (isFinite(data31))){
if(data31 > 1048576 || isNaN(data31)){
const err84 = {instancePath:instancePath+"/ports/" + i0+"/framing/maxFrameBytes",schemaPath:"#/properties/ports/items/properties/framing/allOf/3/then/properties/maxFrameBytes/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576"};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
if(data31 < 1 || isNaN(data31)){
const err85 = {instancePath:instancePath+"/ports/" + i0+"/framing/maxFrameBytes",schemaPath:"#/properties/ports/items/properties/framing/allOf/3/then/properties/maxFrameBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
}
}
else {
const err86 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/3/then/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
var _valid5 = _errs83 === errors;
valid19 = _valid5;
}
if(!valid19){
const err87 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/allOf/3/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.kind === undefined){
const err88 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
if(data8.kind !== undefined){
let data32 = data8.kind;
if(!((((data32 === "delimiter") || (data32 === "fixed")) || (data32 === "lengthPrefixed")) || (data32 === "timeout"))){
const err89 = {instancePath:instancePath+"/ports/" + i0+"/framing/kind",schemaPath:"#/properties/ports/items/properties/framing/properties/kind/enum",keyword:"enum",params:{allowedValues: schema13.properties.ports.items.properties.framing.properties.kind.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
}
}
else {
const err90 = {instancePath:instancePath+"/ports/" + i0+"/framing",schemaPath:"#/properties/ports/items/properties/framing/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
}
if(data1.parser !== undefined){
let data33 = data1.parser;
const _errs95 = errors;
let valid24 = true;
const _errs96 = errors;
if(data33 && typeof data33 == "object" && !Array.isArray(data33)){
if(data33.kind !== undefined){
if("lines" !== data33.kind){
const err91 = {};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
}
}
var _valid6 = _errs96 === errors;
errors = _errs95;
if(vErrors !== null){
if(_errs95){
vErrors.length = _errs95;
}
else {
vErrors = null;
}
}
if(_valid6){
const _errs98 = errors;
if(data33 && typeof data33 == "object" && !Array.isArray(data33)){
if(data33.encoding === undefined){
data33.encoding = "utf8";
}
if(data33.trim === undefined){
data33.trim = true;
}
for(const key6 in data33){
if(!(((((key6 === "kind") || (key6 === "encoding")) || (key6 === "trim")) || (key6 === "separator")) || (key6 === "columns"))){
const err92 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/allOf/0/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
}
if(data33.kind !== undefined){
if("lines" !== data33.kind){
const err93 = {instancePath:instancePath+"/ports/" + i0+"/parser/kind",schemaPath:"#/properties/ports/items/properties/parser/allOf/0/then/properties/kind/const",keyword:"const",params:{allowedValue: "lines"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
}
let data36 = data33.encoding;
if(!(((data36 === "utf8") || (data36 === "latin1")) || (data36 === "ascii"))){
const err94 = {instancePath:instancePath+"/ports/" + i0+"/parser/encoding",schemaPath:"#/properties/ports/items/properties/parser/allOf/0/then/properties/encoding/enum",keyword:"enum",params:{allowedValues: schema13.properties.ports.items.properties.parser.allOf[0].then.properties.encoding.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
if(typeof data33.trim !== "boolean"){
const err95 = {instancePath:instancePath+"/ports/" + i0+"/parser/trim",schemaPath:"#/properties/ports/items/properties/parser/allOf/0/then/properties/trim/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
if(data33.separator !== undefined){
let data38 = data33.separator;
if(typeof data38 === "string"){
if(func2(data38) > 8){
const err96 = {instancePath:instancePath+"/ports/" + i0+"/parser/separator",schemaPath:"#/properties/ports/items/properties/parser/allOf/0/then/properties/separator/maxLength",keyword:"maxLength",params:{limit: 8},message:"must NOT have more than 8 characters"};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
if(func2(data38) < 1){
const err97 = {instancePath:instancePath+"/ports/" + i0+"/parser/separator",schemaPath:"#/properties/ports/items/properties/parser/allOf/0/then/properties/separator/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
}
else {
const err98 = {instancePath:instancePath+"/ports/" + i0+"/parser/separator",schemaPath:"#/properties/ports/items/properties/parser/allOf/0/then/properties/separator/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
}
if(data33.columns !== undefined){
let data39 = data33.columns;
if(Array.isArray(data39)){
if(data39.length > 256){
const err99 = {instancePath:instancePath+"/ports/" + i0+"/parser/columns",schemaPath:"#/properties/ports/items/properties/parser/allOf/0/then/properties/columns/maxItems",keyword:"maxItems",params:{limit: 256},message:"must NOT have more than 256 items"};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
const len1 = data39.length;
for(let i1=0; i1<len1; i1++){
let data40 = data39[i1];
if(typeof data40 === "string"){
if(!pattern6.test(data40)){
const err100 = {instancePath:instancePath+"/ports/" + i0+"/parser/columns/" + i1,schemaPath:"#/properties/ports/items/properties/parser/allOf/0/then/properties/columns/items/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_$][\\w$]*$"},message:"must match pattern \""+"^[A-Za-z_$][\\w$]*$"+"\""};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
}
else {
const err101 = {instancePath:instancePath+"/ports/" + i0+"/parser/columns/" + i1,schemaPath:"#/properties/ports/items/properties/parser/allOf/0/then/properties/columns/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
}
}
}
else {
const err102 = {instancePath:instancePath+"/ports/" + i0+"/parser/columns",schemaPath:"#/properties/ports/items/properties/parser/allOf/0/then/properties/columns/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
}
}
}
else {
const err103 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/allOf/0/then/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
var _valid6 = _errs98 === errors;
valid24 = _valid6;
}
if(!valid24){
const err104 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/allOf/0/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
const _errs112 = errors;
let valid29 = true;
const _errs113 = errors;
if(data33 && typeof data33 == "object" && !Array.isArray(data33)){
if(data33.kind !== undefined){
if("json" !== data33.kind){
const err105 = {};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
}
}
var _valid7 = _errs113 === errors;
errors = _errs112;
if(vErrors !== null){
if(_errs112){
vErrors.length = _errs112;
}
else {
vErrors = null;
}
}
if(_valid7){
const _errs115 = errors;
if(data33 && typeof data33 == "object" && !Array.isArray(data33)){
if(data33.encoding === undefined){
data33.encoding = "utf8";
}
for(const key7 in data33){
if(!((key7 === "kind") || (key7 === "encoding"))){
const err106 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/allOf/1/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
}
if(data33.kind !== undefined){
if("json" !== data33.kind){
const err107 = {instancePath:instancePath+"/ports/" + i0+"/parser/kind",schemaPath:"#/properties/ports/items/properties/parser/allOf/1/then/properties/kind/const",keyword:"const",params:{allowedValue: "json"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
}
let data43 = data33.encoding;
if(!(((data43 === "utf8") || (data43 === "latin1")) || (data43 === "ascii"))){
const err108 = {instancePath:instancePath+"/ports/" + i0+"/parser/encoding",schemaPath:"#/properties/ports/items/properties/parser/allOf/1/then/properties/encoding/enum",keyword:"enum",params:{allowedValues: schema13.properties.ports.items.properties.parser.allOf[1].then.properties.encoding.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err108];
}
else {
vErrors.push(err108);
}
errors++;
}
}
else {
const err109 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/allOf/1/then/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err109];
}
else {
vErrors.push(err109);
}
errors++;
}
var _valid7 = _errs115 === errors;
valid29 = _valid7;
}
if(!valid29){
const err110 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/allOf/1/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err110];
}
else {
vErrors.push(err110);
}
errors++;
}
const _errs121 = errors;
let valid32 = true;
const _errs122 = errors;
if(data33 && typeof data33 == "object" && !Array.isArray(data33)){
if(data33.kind !== undefined){
if("nmea" !== data33.kind){
const err111 = {};
if(vErrors === null){
vErrors = [err111];
}
else {
vErrors.push(err111);
}
errors++;
}
}
}
var _valid8 = _errs122 === errors;
errors = _errs121;
if(vErrors !== null){
if(_errs121){
vErrors.length = _errs121;
}
else {
vErrors = null;
}
}
if(_valid8){
const _errs124 = errors;
if(data33 && typeof data33 == "object" && !Array.isArray(data33)){
if(data33.requireChecksum === undefined){
data33.requireChecksum = true;
}
for(const key8 in data33){
if(!(((key8 === "kind") || (key8 === "requireChecksum")) || (key8 === "sentences"))){
const err112 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/allOf/2/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key8},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err112];
}
else {
vErrors.push(err112);
}
errors++;
}
}
if(data33.kind !== undefined){
if("nmea" !== data33.kind){
const err113 = {instancePath:instancePath+"/ports/" + i0+"/parser/kind",schemaPath:"#/properties/ports/items/properties/parser/allOf/2/then/properties/kind/const",keyword:"const",params:{allowedValue: "nmea"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err113];
}
else {
vErrors.push(err113);
}
errors++;
}
}
if(typeof data33.requireChecksum !== "boolean"){
const err114 = {instancePath:instancePath+"/ports/" + i0+"/parser/requireChecksum",schemaPath:"#/properties/ports/items/properties/parser/allOf/2/then/properties/requireChecksum/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err114];
}
else {
vErrors.push(err114);
}
errors++;
}
if(data33.sentences !== undefined){
let data47 = data33.sentences;
if(Array.isArray(data47)){
if(data47.length < 1){
const err115 = {instancePath:instancePath+"/ports/" + i0+"/parser/sentences",schemaPath:"#/properties/ports/items/properties/parser/allOf/2/then/properties/sentences/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"};
if(vErrors === null){
vErrors = [err115];
}
else {
vErrors.push(err115);
}
errors++;
}
const len2 = data47.length;
for(let i2=0; i2<len2; i2++){
let data48 = data47[i2];
if(typeof data48 === "string"){
if(!pattern7.test(data48)){
const err116 = {instancePath:instancePath+"/ports/" + i0+"/parser/sentences/" + i2,schemaPath:"#/properties/ports/items/properties/parser/allOf/2/then/properties/sentences/items/pattern",keyword:"pattern",params:{pattern: "^[A-Z0-9]{2,6}$"},message:"must match pattern \""+"^[A-Z0-9]{2,6}$"+"\""};
if(vErrors === null){
vErrors = [err116];
}
else {
vErrors.push(err116);
}
errors++;
}
}
else {
const err117 = {instancePath:instancePath+"/ports/" + i0+"/parser/sentences/" + i2,schemaPath:"#/properties/ports/items/properties/parser/allOf/2/then/properties/sentences/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err117];
}
else {
vErrors.push(err117);
}
errors++;
}
}
}
else {
const err118 = {instancePath:instancePath+"/ports/" + i0+"/parser/sentences",schemaPath:"#/properties/ports/items/properties/parser/allOf/2/then/properties/sentences/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err118];
}
else {
vErrors.push(err118);
}
errors++;
}
}
}
else {
const err119 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/allOf/2/then/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err119];
}
else {
vErrors.push(err119);
}
errors++;
}
var _valid8 = _errs124 === errors;
valid32 = _valid8;
}
if(!valid32){
const err120 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/allOf/2/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err120];
}
else {
vErrors.push(err120);
}
errors++;
}
const _errs135 = errors;
let valid37 = true;
const _errs136 = errors;
if(data33 && typeof data33 == "object" && !Array.isArray(data33)){
if(data33.kind !== undefined){
if("regex" !== data33.kind){
const err121 = {};
if(vErrors === null){
vErrors = [err121];
}
else {
vErrors.push(err121);
}
errors++;
}
}
}
var _valid9 = _errs136 === errors;
errors = _errs135;
if(vErrors !== null){
if(_errs135){
vErrors.length = _errs135;
}
else {
vErrors = null;
}
}
if(_valid9){
const _errs138 = errors;
if(data33 && typeof data33 == "object" && !Array.isArray(data33)){
if(data33.flags === undefined){
data33.flags = "";
}
if(data33.encoding === undefined){
data33.encoding = "utf8";
}
if(data33.trim === undefined){
data33.trim = true;
}
for(const key9 in data33){
if(!(((((key9 === "kind") || (key9 === "pattern")) || (key9 === "flags")) || (key9 === "encoding")) || (key9 === "trim"))){
const err122 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/allOf/3/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key9},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err122];
}
else {
vErrors.push(err122);
}
errors++;
}
}
if(data33.kind !== undefined){
if("regex" !== data33.kind){
const err123 = {instancePath:instancePath+"/ports/" + i0+"/parser/kind",schemaPath:"#/properties/ports/items/properties/parser/allOf/3/then/properties/kind/const",keyword:"const",params:{allowedValue: "regex"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err123];
}
else {
vErrors.push(err123);
}
errors++;
}
}
if(data33.pattern !== undefined){
let data51 = data33.pattern;
if(typeof data51 === "string"){
if(func2(data51) > 1000){
const err124 = {instancePath:instancePath+"/ports/" + i0+"/parser/pattern",schemaPath:"#/properties/ports/items/properties/parser/allOf/3/then/properties/pattern/maxLength",keyword:"maxLength",params:{limit: 1000},message:"must NOT have more than 1000 characters"};
if(vErrors === null){
vErrors = [err124];
}
else {
vErrors.push(err124);
}
errors++;
}
if(func2(data51) < 1){
const err125 = {instancePath:instancePath+"/ports/" + i0+"/parser/pattern",schemaPath:"#/properties/ports/items/properties/parser/allOf/3/then/properties/pattern/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err125];
}
else {
vErrors.push(err125);
}
errors++;
}
}
else {
const err126 = {instancePath:instancePath+"/ports/" + i0+"/parser/pattern",schemaPath:"#/properties/ports/items/properties/parser/allOf/3/then/properties/pattern/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err126];
}
else {
vErrors.push(err126);
}
errors++;
}
}
let data52 = data33.flags;
if(typeof data52 === "string"){
if(!pattern8.test(data52)){
const err127 = {instancePath:instancePath+"/ports/" + i0+"/parser/flags",schemaPath:"#/properties/ports/items/properties/parser/allOf/3/then/properties/flags/pattern",keyword:"pattern",params:{pattern: "^[imsu]*$"},message:"must match pattern \""+"^[imsu]*$"+"\""};
if(vErrors === null){
vErrors = [err127];
}
else {
vErrors.push(err127);
}
errors++;
}
}
else {
const err128 = {instancePath:instancePath+"/ports/" + i0+"/parser/flags",schemaPath:"#/properties/ports/items/properties/parser/allOf/3/then/properties/flags/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err128];
}
else {
vErrors.push(err128);
}
errors++;
}
let data53 = data33.encoding;
if(!(((data53 === "utf8") || (data53 === "latin1")) || (data53 === "ascii"))){
const err129 = {instancePath:instancePath+"/ports/" + i0+"/parser/encoding",schemaPath:"#/properties/ports/items/properties/parser/allOf/3/then/properties/encoding/enum",keyword:"enum",params:{allowedValues: schema13.properties.ports.items.properties.parser.allOf[3].then.properties.encoding.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err129];
}
else {
vErrors.push(err129);
}
errors++;
}
if(typeof data33.trim !== "boolean"){
const err130 = {instancePath:instancePath+"/ports/" + i0+"/parser/trim",schemaPath:"#/properties/ports/items/properties/parser/allOf/3/then/properties/trim/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err130];
}
else {
vErrors.push(err130);
}
errors++;
}
}
else {
const err131 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/allOf/3/then/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err131];
}
else {
vErrors.push(err131);
}
errors++;
}
var _valid9 = _errs138 === errors;
valid37 = _valid9;
}
if(!valid37){
const err132 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/allOf/3/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err132];
}
else {
vErrors.push(err132);
}
errors++;
}
if(data33 && typeof data33 == "object" && !Array.isArray(data33)){
if(data33.kind === undefined){
const err133 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'"};
if(vErrors === null){
vErrors = [err133];
}
else {
vErrors.push(err133);
}
errors++;
}
if(data33.kind !== undefined){
let data55 = data33.kind;
if(!((((data55 === "lines") || (data55 === "json")) || (data55 === "nmea")) || (data55 === "regex"))){
const err134 = {instancePath:instancePath+"/ports/" + i0+"/parser/kind",schemaPath:"#/properties/ports/items/properties/parser/properties/kind/enum",keyword:"enum",params:{allowedValues: schema13.properties.ports.items.properties.parser.properties.kind.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err134];
}
else {
vErrors.push(err134);
}
errors++;
}
}
}
else {
const err135 = {instancePath:instancePath+"/ports/" + i0+"/parser",schemaPath:"#/properties/ports/items/properties/parser/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err135];
}
else {
vErrors.push(err135);
}
errors++;
}
}
if(data1.deviceId !== undefined){
let data56 = data1.deviceId;
if(typeof data56 === "string"){
if(!pattern1.test(data56)){
const err136 = {instancePath:instancePath+"/ports/" + i0+"/deviceId",schemaPath:"#/properties/ports/items/properties/deviceId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$"},message:"must match pattern \""+"^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$"+"\""};
if(vErrors === null){
vErrors = [err136];
}
else {
vErrors.push(err136);
}
errors++;
}
}
else {
const err137 = {instancePath:instancePath+"/ports/" + i0+"/deviceId",schemaPath:"#/properties/ports/items/properties/deviceId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err137];
}
else {
vErrors.push(err137);
}
errors++;
}
}
if(data1.profile !== undefined){
let data57 = data1.profile;
if(typeof data57 === "string"){
if(func2(data57) < 1){
const err138 = {instancePath:instancePath+"/ports/" + i0+"/profile",schemaPath:"#/properties/ports/items/properties/profile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err138];
}
else {
vErrors.push(err138);
}
errors++;
}
}
else {
const err139 = {instancePath:instancePath+"/ports/" + i0+"/profile",schemaPath:"#/properties/ports/items/properties/profile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err139];
}
else {
vErrors.push(err139);
}
errors++;
}
}
if(data1.pollIntervalS !== undefined){
let data58 = data1.pollIntervalS;
if((typeof data58 == "number") && (isFinite(data58))){
if(data58 > 86400 || isNaN(data58)){
const err140 = {instancePath:instancePath+"/ports/" + i0+"/pollIntervalS",schemaPath:"#/properties/ports/items/properties/pollIntervalS/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err140];
}
else {
vErrors.push(err140);
}
errors++;
}
if(data58 < 0.05 || isNaN(data58)){
const err141 = {instancePath:instancePath+"/ports/" + i0+"/pollIntervalS",schemaPath:"#/properties/ports/items/properties/pollIntervalS/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0.05},message:"must be >= 0.05"};
if(vErrors === null){
vErrors = [err141];
}
else {
vErrors.push(err141);
}
errors++;
}
}
else {
const err142 = {instancePath:instancePath+"/ports/" + i0+"/pollIntervalS",schemaPath:"#/properties/ports/items/properties/pollIntervalS/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err142];
}
else {
vErrors.push(err142);
}
errors++;
}
}
if(data1.devices !== undefined){
let data59 = data1.devices;
if(Array.isArray(data59)){
if(data59.length < 1){
const err143 = {instancePath:instancePath+"/ports/" + i0+"/devices",schemaPath:"#/properties/ports/items/properties/devices/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items"};
if(vErrors === null){
vErrors = [err143];
}
else {
vErrors.push(err143);
}
errors++;
}
const len3 = data59.length;
for(let i3=0; i3<len3; i3++){
let data60 = data59[i3];
if(data60 && typeof data60 == "object" && !Array.isArray(data60)){
if(data60.deviceId === undefined){
const err144 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3,schemaPath:"#/properties/ports/items/properties/devices/items/required",keyword:"required",params:{missingProperty: "deviceId"},message:"must have required property '"+"deviceId"+"'"};
if(vErrors === null){
vErrors = [err144];
}
else {
vErrors.push(err144);
}
errors++;
}
if(data60.profile === undefined){
const err145 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3,schemaPath:"#/properties/ports/items/properties/devices/items/required",keyword:"required",params:{missingProperty: "profile"},message:"must have required property '"+"profile"+"'"};
if(vErrors === null){
vErrors = [err145];
}
else {
vErrors.push(err145);
}
errors++;
}
for(const key10 in data60){
if(!((((key10 === "deviceId") || (key10 === "profile")) || (key10 === "pollIntervalS")) || (key10 === "match"))){
const err146 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3,schemaPath:"#/properties/ports/items/properties/devices/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key10},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err146];
}
else {
vErrors.push(err146);
}
errors++;
}
}
if(data60.deviceId !== undefined){
let data61 = data60.deviceId;
if(typeof data61 === "string"){
if(!pattern1.test(data61)){
const err147 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3+"/deviceId",schemaPath:"#/properties/ports/items/properties/devices/items/properties/deviceId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$"},message:"must match pattern \""+"^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$"+"\""};
if(vErrors === null){
vErrors = [err147];
}
else {
vErrors.push(err147);
}
errors++;
}
}
else {
const err148 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3+"/deviceId",schemaPath:"#/properties/ports/items/properties/devices/items/properties/deviceId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err148];
}
else {
vErrors.push(err148);
}
errors++;
}
}
if(data60.profile !== undefined){
let data62 = data60.profile;
if(typeof data62 === "string"){
if(func2(data62) < 1){
const err149 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3+"/profile",schemaPath:"#/properties/ports/items/properties/devices/items/properties/profile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err149];
}
else {
vErrors.push(err149);
}
errors++;
}
}
else {
const err150 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3+"/profile",schemaPath:"#/properties/ports/items/properties/devices/items/properties/profile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err150];
}
else {
vErrors.push(err150);
}
errors++;
}
}
if(data60.pollIntervalS !== undefined){
let data63 = data60.pollIntervalS;
if((typeof data63 == "number") && (isFinite(data63))){
if(data63 > 86400 || isNaN(data63)){
const err151 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3+"/pollIntervalS",schemaPath:"#/properties/ports/items/properties/devices/items/properties/pollIntervalS/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err151];
}
else {
vErrors.push(err151);
}
errors++;
}
if(data63 < 0.05 || isNaN(data63)){
const err152 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3+"/pollIntervalS",schemaPath:"#/properties/ports/items/properties/devices/items/properties/pollIntervalS/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0.05},message:"must be >= 0.05"};
if(vErrors === null){
vErrors = [err152];
}
else {
vErrors.push(err152);
}
errors++;
}
}
else {
const err153 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3+"/pollIntervalS",schemaPath:"#/properties/ports/items/properties/devices/items/properties/pollIntervalS/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err153];
}
else {
vErrors.push(err153);
}
errors++;
}
}
if(data60.match !== undefined){
let data64 = data60.match;
if(data64 && typeof data64 == "object" && !Array.isArray(data64)){
if(Object.keys(data64).length < 1){
const err154 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3+"/match",schemaPath:"#/properties/ports/items/properties/devices/items/properties/match/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties"};
if(vErrors === null){
vErrors = [err154];
}
else {
vErrors.push(err154);
}
errors++;
}
for(const key11 in data64){
let data65 = data64[key11];
const _errs171 = errors;
let valid45 = false;
const _errs172 = errors;
if(typeof data65 !== "string"){
const err155 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3+"/match/" + key11.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/items/properties/devices/items/properties/match/additionalProperties/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err155];
}
else {
vErrors.push(err155);
}
errors++;
}
var _valid10 = _errs172 === errors;
valid45 = valid45 || _valid10;
if(!valid45){
const _errs174 = errors;
if(!((typeof data65 == "number") && (isFinite(data65)))){
const err156 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3+"/match/" + key11.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/items/properties/devices/items/properties/match/additionalProperties/anyOf/1/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err156];
}
else {
vErrors.push(err156);
}
errors++;
}
var _valid10 = _errs174 === errors;
valid45 = valid45 || _valid10;
if(!valid45){
const _errs176 = errors;
if(typeof data65 !== "boolean"){
const err157 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3+"/match/" + key11.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/items/properties/devices/items/properties/match/additionalProperties/anyOf/2/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err157];
}
else {
vErrors.push(err157);
}
errors++;
}
var _valid10 = _errs176 === errors;
valid45 = valid45 || _valid10;
}
}
if(!valid45){
const err158 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3+"/match/" + key11.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/items/properties/devices/items/properties/match/additionalProperties/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err158];
}
else {
vErrors.push(err158);
}
errors++;
}
else {
errors = _errs171;
if(vErrors !== null){
if(_errs171){
vErrors.length = _errs171;
}
else {
vErrors = null;
}
}
}
}
}
else {
const err159 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3+"/match",schemaPath:"#/properties/ports/items/properties/devices/items/properties/match/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err159];
}
else {
vErrors.push(err159);
}
errors++;
}
}
}
else {
const err160 = {instancePath:instancePath+"/ports/" + i0+"/devices/" + i3,schemaPath:"#/properties/ports/items/properties/devices/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err160];
}
else {
vErrors.push(err160);
}
errors++;
}
}
}
else {
const err161 = {instancePath:instancePath+"/ports/" + i0+"/devices",schemaPath:"#/properties/ports/items/properties/devices/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err161];
}
else {
vErrors.push(err161);
}
errors++;
}
}
let data66 = data1.telemetry;
if(!((data66 === "interval") || (data66 === "frame"))){
const err162 = {instancePath:instancePath+"/ports/" + i0+"/telemetry",schemaPath:"#/properties/ports/items/properties/telemetry/enum",keyword:"enum",params:{allowedValues: schema13.properties.ports.items.properties.telemetry.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err162];
}
else {
vErrors.push(err162);
}
errors++;
}
let data67 = data1.commands;
if(data67 && typeof data67 == "object" && !Array.isArray(data67)){
for(const key12 in data67){
const _errs181 = errors;
const _errs182 = errors;
const _errs183 = errors;
if("write" !== key12){
const err163 = {};
if(vErrors === null){
vErrors = [err163];
}
else {
vErrors.push(err163);
}
errors++;
}
var valid47 = _errs183 === errors;
if(valid47){
const err164 = {instancePath:instancePath+"/ports/" + i0+"/commands",schemaPath:"#/properties/ports/items/properties/commands/propertyNames/not",keyword:"not",params:{},message:"must NOT be valid",propertyName:key12};
if(vErrors === null){
vErrors = [err164];
}
else {
vErrors.push(err164);
}
errors++;
}
else {
errors = _errs182;
if(vErrors !== null){
if(_errs182){
vErrors.length = _errs182;
}
else {
vErrors = null;
}
}
}
if(typeof key12 === "string"){
if(!pattern11.test(key12)){
const err165 = {instancePath:instancePath+"/ports/" + i0+"/commands",schemaPath:"#/properties/ports/items/properties/commands/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z][A-Za-z0-9_.-]{0,63}$"},message:"must match pattern \""+"^[A-Za-z][A-Za-z0-9_.-]{0,63}$"+"\"",propertyName:key12};
if(vErrors === null){
vErrors = [err165];
}
else {
vErrors.push(err165);
}
errors++;
}
}
var valid46 = _errs181 === errors;
if(!valid46){
const err166 = {instancePath:instancePath+"/ports/" + i0+"/commands",schemaPath:"#/properties/ports/items/properties/commands/propertyNames",keyword:"propertyNames",params:{propertyName: key12},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err166];
}
else {
vErrors.push(err166);
}
errors++;
}
}
for(const key13 in data67){
let data68 = data67[key13];
if(data68 && typeof data68 == "object" && !Array.isArray(data68)){
if(data68.encoding === undefined){
data68.encoding = "utf8";
}
if(data68.appendDelimiter === undefined){
data68.appendDelimiter = false;
}
if(data68.data === undefined){
const err167 = {instancePath:instancePath+"/ports/" + i0+"/commands/" + key13.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/items/properties/commands/additionalProperties/required",keyword:"required",params:{missingProperty: "data"},message:"must have required property '"+"data"+"'"};
if(vErrors === null){
vErrors = [err167];
}
else {
vErrors.push(err167);
}
errors++;
}
for(const key14 in data68){
if(!((((key14 === "data") || (key14 === "encoding")) || (key14 === "appendDelimiter")) || (key14 === "replyTimeoutMs"))){
const err168 = {instancePath:instancePath+"/ports/" + i0+"/commands/" + key13.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/items/properties/commands/additionalProperties/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key14},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err168];
}
else {
vErrors.push(err168);
}
errors++;
}
}
if(data68.data !== undefined){
let data69 = data68.data;
if(typeof data69 === "string"){
if(func2(data69) > 4096){
const err169 = {instancePath:instancePath+"/ports/" + i0+"/commands/" + key13.replace(/~/g, "~0").replace(/\//g, "~1")+"/data",schemaPath:"#/properties/ports/items/properties/commands/additionalProperties/properties/data/maxLength",keyword:"maxLength",params:{limit: 4096},message:"must NOT have more than 4096 characters"};
if(vErrors === null){
vErrors = [err169];
}
else {
vErrors.push(err169);
}
errors++;
}
}
else {
const err170 = {instancePath:instancePath+"/ports/" + i0+"/commands/" + key13.replace(/~/g, "~0").replace(/\//g, "~1")+"/data",schemaPath:"#/properties/ports/items/properties/commands/additionalProperties/properties/data/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err170];
}
else {
vErrors.push(err170);
}
errors++;
}
}
let data70 = data68.encoding;
if(!(((data70 === "utf8") || (data70 === "hex")) || (data70 === "base64"))){
const err171 = {instancePath:instancePath+"/ports/" + i0+"/commands/" + key13.replace(/~/g, "~0").replace(/\//g, "~1")+"/encoding",schemaPath:"#/properties/ports/items/properties/commands/additionalProperties/properties/encoding/enum",keyword:"enum",params:{allowedValues: schema13.properties.ports.items.properties.commands.additionalProperties.properties.encoding.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err171];
}
else {
vErrors.push(err171);
}
errors++;
}
if(typeof data68.appendDelimiter !== "boolean"){
const err172 = {instancePath:instancePath+"/ports/" + i0+"/commands/" + key13.replace(/~/g, "~0").replace(/\//g, "~1")+"/appendDelimiter",schemaPath:"#/properties/ports/items/properties/commands/additionalProperties/properties/appendDelimiter/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err172];
}
else {
vErrors.push(err172);
}
errors++;
}
if(data68.replyTimeoutMs !== undefined){
let data72 = data68.replyTimeoutMs;
if(!(((typeof data72 == "number") && (!(data72 % 1) && !isNaN(data72))) && (isFinite(data72)))){
const err173 = {instancePath:instancePath+"/ports/" + i0+"/commands/" + key13.replace(/~/g, "~0").replace(/\//g, "~1")+"/replyTimeoutMs",schemaPath:"#/properties/ports/items/properties/commands/additionalProperties/properties/replyTimeoutMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err173];
}
else {
vErrors.push(err173);
}
errors++;
}
if((typeof data72 == "number") && (isFinite(data72))){
if(data72 > 60000 || isNaN(data72)){
const err174 = {instancePath:instancePath+"/ports/" + i0+"/commands/" + key13.replace(/~/g, "~0").replace(/\//g, "~1")+"/replyTimeoutMs",schemaPath:"#/properties/ports/items/properties/commands/additionalProperties/properties/replyTimeoutMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 60000},message:"must be <= 60000"};
if(vErrors === null){
vErrors = [err174];
}
else {
vErrors.push(err174);
}
errors++;
}
if(data72 < 1 || isNaN(data72)){
const err175 = {instancePath:instancePath+"/ports/" + i0+"/commands/" + key13.replace(/~/g, "~0").replace(/\//g, "~1")+"/replyTimeoutMs",schemaPath:"#/properties/ports/items/properties/commands/additionalProperties/properties/replyTimeoutMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err175];
}
else {
vErrors.push(err175);
}
errors++;
}
}
}
}
else {
const err176 = {instancePath:instancePath+"/ports/" + i0+"/commands/" + key13.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/ports/items/properties/commands/additionalProperties/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err176];
}
else {
vErrors.push(err176);
}
errors++;
}
}
}
else {
const err177 = {instancePath:instancePath+"/ports/" + i0+"/commands",schemaPath:"#/properties/ports/items/properties/commands/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err177];
}
else {
vErrors.push(err177);
}
errors++;
}
}
else {
const err178 = {instancePath:instancePath+"/ports/" + i0,schemaPath:"#/properties/ports/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err178];
}
else {
vErrors.push(err178);
}
errors++;
}
}
}
else {
const err179 = {instancePath:instancePath+"/ports",schemaPath:"#/properties/ports/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err179];
}
else {
vErrors.push(err179);
}
errors++;
}
}
let data73 = data.profileDirs;
if(Array.isArray(data73)){
const len4 = data73.length;
for(let i4=0; i4<len4; i4++){
let data74 = data73[i4];
if(typeof data74 === "string"){
if(func2(data74) < 1){
const err180 = {instancePath:instancePath+"/profileDirs/" + i4,schemaPath:"#/properties/profileDirs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err180];
}
else {
vErrors.push(err180);
}
errors++;
}
}
else {
const err181 = {instancePath:instancePath+"/profileDirs/" + i4,schemaPath:"#/properties/profileDirs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err181];
}
else {
vErrors.push(err181);
}
errors++;
}
}
}
else {
const err182 = {instancePath:instancePath+"/profileDirs",schemaPath:"#/properties/profileDirs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err182];
}
else {
vErrors.push(err182);
}
errors++;
}
let data75 = data.reopen;
if(data75 && typeof data75 == "object" && !Array.isArray(data75)){
if(data75.minDelayMs === undefined){
data75.minDelayMs = 500;
}
if(data75.maxDelayMs === undefined){
data75.maxDelayMs = 30000;
}
for(const key15 in data75){
if(!((key15 === "minDelayMs") || (key15 === "maxDelayMs"))){
const err183 = {instancePath:instancePath+"/reopen",schemaPath:"#/properties/reopen/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key15},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err183];
}
else {
vErrors.push(err183);
}
errors++;
}
}
let data76 = data75.minDelayMs;
if(!(((typeof data76 == "number") && (!(data76 % 1) && !isNaN(data76))) && (isFinite(data76)))){
const err184 = {instancePath:instancePath+"/reopen/minDelayMs",schemaPath:"#/properties/reopen/properties/minDelayMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err184];
}
else {
vErrors.push(err184);
}
errors++;
}
if((typeof data76 == "number") && (isFinite(data76))){
if(data76 > 600000 || isNaN(data76)){
const err185 = {instancePath:instancePath+"/reopen/minDelayMs",schemaPath:"#/properties/reopen/properties/minDelayMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 600000},message:"must be <= 600000"};
if(vErrors === null){
vErrors = [err185];
}
else {
vErrors.push(err185);
}
errors++;
}
if(data76 < 10 || isNaN(data76)){
const err186 = {instancePath:instancePath+"/reopen/minDelayMs",schemaPath:"#/properties/reopen/properties/minDelayMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 10},message:"must be >= 10"};
if(vErrors === null){
vErrors = [err186];
}
else {
vErrors.push(err186);
}
errors++;
}
}
let data77 = data75.maxDelayMs;
if(!(((typeof data77 == "number") && (!(data77 % 1) && !isNaN(data77))) && (isFinite(data77)))){
const err187 = {instancePath:instancePath+"/reopen/maxDelayMs",schemaPath:"#/properties/reopen/properties/maxDelayMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err187];
}
else {
vErrors.push(err187);
}
errors++;
}
if((typeof data77 == "number") && (isFinite(data77))){
if(data77 > 3600000 || isNaN(data77)){
const err188 = {instancePath:instancePath+"/reopen/maxDelayMs",schemaPath:"#/properties/reopen/properties/maxDelayMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 3600000},message:"must be <= 3600000"};
if(vErrors === null){
vErrors = [err188];
}
else {
vErrors.push(err188);
}
errors++;
}
if(data77 < 10 || isNaN(data77)){
const err189 = {instancePath:instancePath+"/reopen/maxDelayMs",schemaPath:"#/properties/reopen/properties/maxDelayMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 10},message:"must be >= 10"};
if(vErrors === null){
vErrors = [err189];
}
else {
vErrors.push(err189);
}
errors++;
}
}
}
else {
const err190 = {instancePath:instancePath+"/reopen",schemaPath:"#/properties/reopen/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err190];
}
else {
vErrors.push(err190);
}
errors++;
}
let data78 = data.maxPendingTelemetry;
if(!(((typeof data78 == "number") && (!(data78 % 1) && !isNaN(data78))) && (isFinite(data78)))){
const err191 = {instancePath:instancePath+"/maxPendingTelemetry",schemaPath:"#/properties/maxPendingTelemetry/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err191];
}
else {
vErrors.push(err191);
}
errors++;
}
if((typeof data78 == "number") && (isFinite(data78))){
if(data78 > 100000 || isNaN(data78)){
const err192 = {instancePath:instancePath+"/maxPendingTelemetry",schemaPath:"#/properties/maxPendingTelemetry/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000},message:"must be <= 100000"};
if(vErrors === null){
vErrors = [err192];
}
else {
vErrors.push(err192);
}
errors++;
}
if(data78 < 1 || isNaN(data78)){
const err193 = {instancePath:instancePath+"/maxPendingTelemetry",schemaPath:"#/properties/maxPendingTelemetry/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err193];
}
else {
vErrors.push(err193);
}
errors++;
}
}
let data79 = data.maxPendingWrites;
if(!(((typeof data79 == "number") && (!(data79 % 1) && !isNaN(data79))) && (isFinite(data79)))){
const err194 = {instancePath:instancePath+"/maxPendingWrites",schemaPath:"#/properties/maxPendingWrites/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err194];
}
else {
vErrors.push(err194);
}
errors++;
}
if((typeof data79 == "number") && (isFinite(data79))){
if(data79 > 1000 || isNaN(data79)){
const err195 = {instancePath:instancePath+"/maxPendingWrites",schemaPath:"#/properties/maxPendingWrites/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err195];
}
else {
vErrors.push(err195);
}
errors++;
}
if(data79 < 1 || isNaN(data79)){
const err196 = {instancePath:instancePath+"/maxPendingWrites",schemaPath:"#/properties/maxPendingWrites/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err196];
}
else {
vErrors.push(err196);
}
errors++;
}
}
}
else {
const err197 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err197];
}
else {
vErrors.push(err197);
}
errors++;
}
validate12.errors = vErrors;
return errors === 0;
}

export const validateBleConfig = validate13;
const schema14 = {"type":"object","additionalProperties":false,"required":["devices"],"properties":{"adapter":{"type":"string","pattern":"^[A-Za-z0-9_]{1,32}$"},"maxConnections":{"type":"integer","minimum":1,"maximum":32,"default":3},"dwellS":{"type":"number","minimum":0.1,"maximum":3600,"default":10},"pollIntervalS":{"type":"number","minimum":0.1,"maximum":86400},"profileDirs":{"type":"array","items":{"type":"string","minLength":1},"default":[]},"discovery":{"type":"object","additionalProperties":false,"default":{},"properties":{"allow":{"type":"object","additionalProperties":false,"default":{},"properties":{"addresses":{"type":"array","items":{"type":"string","pattern":"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$"},"default":[]},"names":{"type":"array","items":{"type":"string","minLength":1,"maxLength":248},"default":[]}}},"intervalS":{"type":"number","minimum":0.1,"maximum":3600,"default":10}}},"devices":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["deviceId","profile"],"anyOf":[{"properties":{"address":{"type":"string"}},"required":["address"]},{"properties":{"name":{"type":"string"}},"required":["name"]}],"properties":{"deviceId":{"type":"string","pattern":"^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$"},"profile":{"type":"string","minLength":1},"address":{"type":"string","pattern":"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$"},"name":{"type":"string","minLength":1,"maxLength":248},"pollIntervalS":{"type":"number","minimum":0.1,"maximum":86400}}}},"reconnect":{"type":"object","additionalProperties":false,"default":{},"properties":{"minDelayMs":{"type":"integer","minimum":10,"maximum":600000,"default":1000},"maxDelayMs":{"type":"integer","minimum":10,"maximum":3600000,"default":60000}}},"connectTimeoutMs":{"type":"integer","minimum":100,"maximum":120000,"default":15000},"gattTimeoutMs":{"type":"integer","minimum":100,"maximum":120000,"default":10000},"writeTimeoutMs":{"type":"integer","minimum":100,"maximum":300000,"default":20000}}};
const pattern12 = new RegExp("^[A-Za-z0-9_]{1,32}$", "u");
const pattern13 = new RegExp("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$", "u");

function validate13(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.maxConnections === undefined){
data.maxConnections = 3;
}
if(data.dwellS === undefined){
data.dwellS = 10;
}
if(data.profileDirs === undefined){
data.profileDirs = [];
}
if(data.discovery === undefined){
data.discovery = {};
}
if(data.reconnect === undefined){
data.reconnect = {};
}
if(data.connectTimeoutMs === undefined){
data.connectTimeoutMs = 15000;
}
if(data.gattTimeoutMs === undefined){
data.gattTimeoutMs = 10000;
}
if(data.writeTimeoutMs === undefined){
data.writeTimeoutMs = 20000;
}
if(data.devices === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "devices"},message:"must have required property '"+"devices"+"'"};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(func7.call(schema14.properties, key0))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.adapter !== undefined){
let data0 = data.adapter;
if(typeof data0 === "string"){
if(!pattern12.test(data0)){
const err2 = {instancePath:instancePath+"/adapter",schemaPath:"#/properties/adapter/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_]{1,32}$"},message:"must match pattern \""+"^[A-Za-z0-9_]{1,32}$"+"\""};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/adapter",schemaPath:"#/properties/adapter/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
let data1 = data.maxConnections;
if(!(((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1))) && (isFinite(data1)))){
const err4 = {instancePath:instancePath+"/maxConnections",schemaPath:"#/properties/maxConnections/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if((typeof data1 == "number") && (isFinite(data1))){
if(data1 > 32 || isNaN(data1)){
const err5 = {instancePath:instancePath+"/maxConnections",schemaPath:"#/properties/maxConnections/maximum",keyword:"maximum",params:{comparison: "<=", limit: 32},message:"must be <= 32"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data1 < 1 || isNaN(data1)){
const err6 = {instancePath:instancePath+"/maxConnections",schemaPath:"#/properties/maxConnections/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
let data2 = data.dwellS;
if((typeof data2 == "number") && (isFinite(data2))){
if(data2 > 3600 || isNaN(data2)){
const err7 = {instancePath:instancePath+"/dwellS",schemaPath:"#/properties/dwellS/maximum",keyword:"maximum",params:{comparison: "<=", limit: 3600},message:"must be <= 3600"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(data2 < 0.1 || isNaN(data2)){
const err8 = {instancePath:instancePath+"/dwellS",schemaPath:"#/properties/dwellS/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0.1},message:"must be >= 0.1"};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
else {
const err9 = {instancePath:instancePath+"/dwellS",schemaPath:"#/properties/dwellS/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data.pollIntervalS !== undefined){
let data3 = data.pollIntervalS;
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 > 86400 || isNaN(data3)){
const err10 = {instancePath:instancePath+"/pollIntervalS",schemaPath:"#/properties/pollIntervalS/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(data3 < 0.1 || isNaN(data3)){
const err11 = {instancePath:instancePath+"/pollIntervalS",schemaPath:"#/properties/pollIntervalS/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0.1},message:"must be >= 0.1"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/pollIntervalS",schemaPath:"#/properties/pollIntervalS/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
let data4 = data.profileDirs;
if(Array.isArray(data4)){
const len0 = data4.length;
for(let i0=0; i0<len0; i0++){
let data5 = data4[i0];
if(typeof data5 === "string"){
if(func2(data5) < 1){
const err13 = {instancePath:instancePath+"/profileDirs/" + i0,schemaPath:"#/properties/profileDirs/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
else {
const err14 = {instancePath:instancePath+"/profileDirs/" + i0,schemaPath:"#/properties/profileDirs/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
else {
const err15 = {instancePath:instancePath+"/profileDirs",schemaPath:"#/properties/profileDirs/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
let data6 = data.discovery;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.allow === undefined){
data6.allow = {};
}
if(data6.intervalS === undefined){
data6.intervalS = 10;
}
for(const key1 in data6){
if(!((key1 === "allow") || (key1 === "intervalS"))){
const err16 = {instancePath:instancePath+"/discovery",schemaPath:"#/properties/discovery/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
let data7 = data6.allow;
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
if(data7.addresses === undefined){
data7.addresses = [];
}
if(data7.names === undefined){
data7.names = [];
}
for(const key2 in data7){
if(!((key2 === "addresses") || (key2 === "names"))){
const err17 = {instancePath:instancePath+"/discovery/allow",schemaPath:"#/properties/discovery/properties/allow/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
let data8 = data7.addresses;
if(Array.isArray(data8)){
const len1 = data8.length;
for(let i1=0; i1<len1; i1++){
let data9 = data8[i1];
if(typeof data9 === "string"){
if(!pattern13.test(data9)){
const err18 = {instancePath:instancePath+"/discovery/allow/addresses/" + i1,schemaPath:"#/properties/discovery/properties/allow/properties/addresses/items/pattern",keyword:"pattern",params:{pattern: "^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$"},message:"must match pattern \""+"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$"+"\""};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/discovery/allow/addresses/" + i1,schemaPath:"#/properties/discovery/properties/allow/properties/addresses/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
}
else {
const err20 = {instancePath:instancePath+"/discovery/allow/addresses",schemaPath:"#/properties/discovery/properties/allow/properties/addresses/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
let data10 = data7.names;
if(Array.isArray(data10)){
const len2 = data10.length;
for(let i2=0; i2<len2; i2++){
let data11 = data10[i2];
if(typeof data11 === "string"){
if(func2(data11) > 248){
const err21 = {instancePath:instancePath+"/discovery/allow/names/" + i2,schemaPath:"#/properties/discovery/properties/allow/properties/names/items/maxLength",keyword:"maxLength",params:{limit: 248},message:"must NOT have more than 248 characters"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(func2(data11) < 1){
const err22 = {instancePath:instancePath+"/discovery/allow/names/" + i2,schemaPath:"#/properties/discovery/properties/allow/properties/names/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
else {
const err23 = {instancePath:instancePath+"/discovery/allow/names/" + i2,schemaPath:"#/properties/discovery/properties/allow/properties/names/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
}
else {
const err24 = {instancePath:instancePath+"/discovery/allow/names",schemaPath:"#/properties/discovery/properties/allow/properties/names/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
else {
const err25 = {instancePath:instancePath+"/discovery/allow",schemaPath:"#/properties/discovery/properties/allow/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
let data12 = data6.intervalS;
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 > 3600 || isNaN(data12)){
const err26 = {instancePath:instancePath+"/discovery/intervalS",schemaPath:"#/properties/discovery/properties/intervalS/maximum",keyword:"maximum",params:{comparison: "<=", limit: 3600},message:"must be <= 3600"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
if(data12 < 0.1 || isNaN(data12)){
const err27 = {instancePath:instancePath+"/discovery/intervalS",schemaPath:"#/properties/discovery/properties/intervalS/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0.1},message:"must be >= 0.1"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
else {
const err28 = {instancePath:instancePath+"/discovery/intervalS",schemaPath:"#/properties/discovery/properties/intervalS/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
else {
const err29 = {instancePath:instancePath+"/discovery",schemaPath:"#/properties/discovery/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(data.devices !== undefined){
let data13 = data.devices;
if(Array.isArray(data13)){
const len3 = data13.length;
for(let i3=0; i3<len3; i3++){
let data14 = data13[i3];
const _errs34 = errors;
let valid11 = false;
const _errs35 = errors;
if(data14 && typeof data14 == "object" && !Array.isArray(data14)){
if(data14.address === undefined){
const err30 = {instancePath:instancePath+"/devices/" + i3,schemaPath:"#/properties/devices/items/anyOf/0/required",keyword:"required",params:{missingProperty: "address"},message:"must have required property '"+"address"+"'"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(data14.address !== undefined){
if(typeof data14.address !== "string"){
const err31 = {instancePath:instancePath+"/devices/" + i3+"/address",schemaPath:"#/properties/devices/items/anyOf/0/properties/address/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
}
var _valid0 = _errs35 === errors;
valid11 = valid11 || _valid0;
if(!valid11){
const _errs38 = errors;
if(data14 && typeof data14 == "object" && !Array.isArray(data14)){
if(data14.name === undefined){
const err32 = {instancePath:instancePath+"/devices/" + i3,schemaPath:"#/properties/devices/items/anyOf/1/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(data14.name !== undefined){
if(typeof data14.name !== "string"){
const err33 = {instancePath:instancePath+"/devices/" + i3+"/name",schemaPath:"#/properties/devices/items/anyOf/1/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
}
var _valid0 = _errs38 === errors;
valid11 = valid11 || _valid0;
}
if(!valid11){
const err34 = {instancePath:instancePath+"/devices/" + i3,schemaPath:"#/properties/devices/items/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
else {
errors = _errs34;
if(vErrors !== null){
if(_errs34){
vErrors.length = _errs34;
}
else {
vErrors = null;
}
}
}
if(data14 && typeof data14 == "object" && !Array.isArray(data14)){
if(data14.deviceId === undefined){
const err35 = {instancePath:instancePath+"/devices/" + i3,schemaPath:"#/properties/devices/items/required",keyword:"required",params:{missingProperty: "deviceId"},message:"must have required property '"+"deviceId"+"'"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if(data14.profile === undefined){
const err36 = {instancePath:instancePath+"/devices/" + i3,schemaPath:"#/properties/devices/items/required",keyword:"required",params:{missingProperty: "profile"},message:"must have required property '"+"profile"+"'"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
for(const key3 in data14){
if(!(((((key3 === "deviceId") || (key3 === "profile")) || (key3 === "address")) || (key3 === "name")) || (key3 === "pollIntervalS"))){
const err37 = {instancePath:instancePath+"/devices/" + i3,schemaPath:"#/properties/devices/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
if(data14.deviceId !== undefined){
let data17 = data14.deviceId;
if(typeof data17 === "string"){
if(!pattern1.test(data17)){
const err38 = {instancePath:instancePath+"/devices/" + i3+"/deviceId",schemaPath:"#/properties/devices/items/properties/deviceId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$"},message:"must match pattern \""+"^[A-Za-z0-9\\-.+%_#*?!(),:=@$']{1,128}$"+"\""};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
else {
const err39 = {instancePath:instancePath+"/devices/" + i3+"/deviceId",schemaPath:"#/properties/devices/items/properties/deviceId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
if(data14.profile !== undefined){
let data18 = data14.profile;
if(typeof data18 === "string"){
if(func2(data18) < 1){
const err40 = {instancePath:instancePath+"/devices/" + i3+"/profile",schemaPath:"#/properties/devices/items/properties/profile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
else {
const err41 = {instancePath:instancePath+"/devices/" + i3+"/profile",schemaPath:"#/properties/devices/items/properties/profile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
if(data14.address !== undefined){
let data19 = data14.address;
if(typeof data19 === "string"){
if(!pattern13.test(data19)){
const err42 = {instancePath:instancePath+"/devices/" + i3+"/address",schemaPath:"#/properties/devices/items/properties/address/pattern",keyword:"pattern",params:{pattern: "^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$"},message:"must match pattern \""+"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$"+"\""};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
else {
const err43 = {instancePath:instancePath+"/devices/" + i3+"/address",schemaPath:"#/properties/devices/items/properties/address/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
if(data14.name !== undefined){
let data20 = data14.name;
if(typeof data20 === "string"){
if(func2(data20) > 248){
const err44 = {instancePath:instancePath+"/devices/" + i3+"/name",schemaPath:"#/properties/devices/items/properties/name/maxLength",keyword:"maxLength",params:{limit: 248},message:"must NOT have more than 248 characters"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
if(func2(data20) < 1){
const err45 = {instancePath:instancePath+"/devices/" + i3+"/name",schemaPath:"#/properties/devices/items/properties/name/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
else {
const err46 = {instancePath:instancePath+"/devices/" + i3+"/name",schemaPath:"#/properties/devices/items/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data14.pollIntervalS !== undefined){
let data21 = data14.pollIntervalS;
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 > 86400 || isNaN(data21)){
const err47 = {instancePath:instancePath+"/devices/" + i3+"/pollIntervalS",schemaPath:"#/properties/devices/items/properties/pollIntervalS/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if(data21 < 0.1 || isNaN(data21)){
const err48 = {instancePath:instancePath+"/devices/" + i3+"/pollIntervalS",schemaPath:"#/properties/devices/items/properties/pollIntervalS/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0.1},message:"must be >= 0.1"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
else {
const err49 = {instancePath:instancePath+"/devices/" + i3+"/pollIntervalS",schemaPath:"#/properties/devices/items/properties/pollIntervalS/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
}
else {
const err50 = {instancePath:instancePath+"/devices/" + i3,schemaPath:"#/properties/devices/items/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
}
else {
const err51 = {instancePath:instancePath+"/devices",schemaPath:"#/properties/devices/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
let data22 = data.reconnect;
if(data22 && typeof data22 == "object" && !Array.isArray(data22)){
if(data22.minDelayMs === undefined){
data22.minDelayMs = 1000;
}
if(data22.maxDelayMs === undefined){
data22.maxDelayMs = 60000;
}
for(const key4 in data22){
if(!((key4 === "minDelayMs") || (key4 === "maxDelayMs"))){
const err52 = {instancePath:instancePath+"/reconnect",schemaPath:"#/properties/reconnect/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
let data23 = data22.minDelayMs;
if(!(((typeof data23 == "number") && (!(data23 % 1) && !isNaN(data23))) && (isFinite(data23)))){
const err53 = {instancePath:instancePath+"/reconnect/minDelayMs",schemaPath:"#/properties/reconnect/properties/minDelayMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
if((typeof data23 == "number") && (isFinite(data23))){
if(data23 > 600000 || isNaN(data23)){
const err54 = {instancePath:instancePath+"/reconnect/minDelayMs",schemaPath:"#/properties/reconnect/properties/minDelayMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 600000},message:"must be <= 600000"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
if(data23 < 10 || isNaN(data23)){
const err55 = {instancePath:instancePath+"/reconnect/minDelayMs",schemaPath:"#/properties/reconnect/properties/minDelayMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 10},message:"must be >= 10"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
let data24 = data22.maxDelayMs;
if(!(((typeof data24 == "number") && (!(data24 % 1) && !isNaN(data24))) && (isFinite(data24)))){
const err56 = {instancePath:instancePath+"/reconnect/maxDelayMs",schemaPath:"#/properties/reconnect/properties/maxDelayMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
if((typeof data24 == "number") && (isFinite(data24))){
if(data24 > 3600000 || isNaN(data24)){
const err57 = {instancePath:instancePath+"/reconnect/maxDelayMs",schemaPath:"#/properties/reconnect/properties/maxDelayMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 3600000},message:"must be <= 3600000"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
if(data24 < 10 || isNaN(data24)){
const err58 = {instancePath:instancePath+"/reconnect/maxDelayMs",schemaPath:"#/properties/reconnect/properties/maxDelayMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 10},message:"must be >= 10"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
}
else {
const err59 = {instancePath:instancePath+"/reconnect",schemaPath:"#/properties/reconnect/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
let data25 = data.connectTimeoutMs;
if(!(((typeof data25 == "number") && (!(data25 % 1) && !isNaN(data25))) && (isFinite(data25)))){
const err60 = {instancePath:instancePath+"/connectTimeoutMs",schemaPath:"#/properties/connectTimeoutMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
if((typeof data25 == "number") && (isFinite(data25))){
if(data25 > 120000 || isNaN(data25)){
const err61 = {instancePath:instancePath+"/connectTimeoutMs",schemaPath:"#/properties/connectTimeoutMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 120000},message:"must be <= 120000"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
if(data25 < 100 || isNaN(data25)){
const err62 = {instancePath:instancePath+"/connectTimeoutMs",schemaPath:"#/properties/connectTimeoutMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 100},message:"must be >= 100"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
let data26 = data.gattTimeoutMs;
if(!(((typeof data26 == "number") && (!(data26 % 1) && !isNaN(data26))) && (isFinite(data26)))){
const err63 = {instancePath:instancePath+"/gattTimeoutMs",schemaPath:"#/properties/gattTimeoutMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
if((typeof data26 == "number") && (isFinite(data26))){
if(data26 > 120000 || isNaN(data26)){
const err64 = {instancePath:instancePath+"/gattTimeoutMs",schemaPath:"#/properties/gattTimeoutMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 120000},message:"must be <= 120000"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
if(data26 < 100 || isNaN(data26)){
const err65 = {instancePath:instancePath+"/gattTimeoutMs",schemaPath:"#/properties/gattTimeoutMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 100},message:"must be >= 100"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
let data27 = data.writeTimeoutMs;
if(!(((typeof data27 == "number") && (!(data27 % 1) && !isNaN(data27))) && (isFinite(data27)))){
const err66 = {instancePath:instancePath+"/writeTimeoutMs",schemaPath:"#/properties/writeTimeoutMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
if((typeof data27 == "number") && (isFinite(data27))){
if(data27 > 300000 || isNaN(data27)){
const err67 = {instancePath:instancePath+"/writeTimeoutMs",schemaPath:"#/properties/writeTimeoutMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 300000},message:"must be <= 300000"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
if(data27 < 100 || isNaN(data27)){
const err68 = {instancePath:instancePath+"/writeTimeoutMs",schemaPath:"#/properties/writeTimeoutMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 100},message:"must be >= 100"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
}
else {
const err69 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
validate13.errors = vErrors;
return errors === 0;
}
// Per type: the fingerprint of the schema each validator was compiled from (runtime/modules/schema-fingerprint.ts), and the validator.
export const moduleConfigValidators = {
  "system": { schemaSha256: "f24fe3acd402cf6cd6c15c33fd21eaaf8b5c68b87131f92ff6483be8169811e0", validate: validateSystemConfig },
  "modbus": { schemaSha256: "da2dfc60f57c55b8803b30427e31823b521a83e96c9f00c95715487b6e8ff850", validate: validateModbusConfig },
  "serial": { schemaSha256: "b1af921513814dd3f7e56a78c4414c534fb0d50a78d0083171343a13ab8360e5", validate: validateSerialConfig },
  "ble": { schemaSha256: "6cc0223a9d1cdd3965dd90c86f2f745c1fa9eeef61936e80a3e67652c62ad728", validate: validateBleConfig },
};
