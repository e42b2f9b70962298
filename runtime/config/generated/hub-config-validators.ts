// @ts-nocheck
/* eslint-disable */
// GENERATED FILE, do not edit. Written by `npm run gen:validators` (scripts/gen-validators.mjs)
// from runtime/config/validator-codegen.ts: ajv 8.20.0 standalone code for hubConfigSchema('hub')
// and hubConfigSchema('gateway') (runtime/config/hub-config-schema.ts). After changing the schema,
// run `npm run gen:validators` again; runtime/config/validator-codegen.test.ts checks this file.
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
export const validateHubRole = validate10;
const schema11 = {"$id":"fieldhub-hub-config-hub","type":"object","additionalProperties":false,"properties":{"schemaVersion":{"const":1,"default":1},"hostName":{"type":"string","minLength":1,"maxLength":253,"default":"localhost","pattern":"^(?:[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*\\.?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$"},"dataDir":{"type":"string","minLength":1,"default":"./hub-data"},"bindAddress":{"type":"string","minLength":1,"default":"0.0.0.0"},"mqtt":{"type":"object","additionalProperties":false,"default":{},"properties":{"port":{"type":"integer","minimum":0,"maximum":65535,"default":8883}}},"https":{"type":"object","additionalProperties":false,"default":{},"properties":{"port":{"type":"integer","minimum":0,"maximum":65535,"default":443}}},"amqp":{"type":"object","additionalProperties":false,"default":{},"properties":{"port":{"type":"integer","minimum":0,"maximum":65535,"default":5671}}},"durability":{"enum":["process","power"],"default":"process"},"limits":{"type":"object","additionalProperties":false,"default":{},"properties":{"maxMessageBytes":{"type":"integer","minimum":1,"default":262144},"maxC2dBytes":{"type":"integer","minimum":1,"default":65536},"maxC2dQueueDepth":{"type":"integer","minimum":1,"default":50},"c2dDefaultTtlMs":{"type":"integer","minimum":1000,"maximum":172800000,"default":3600000},"c2dMaxDeliveryCount":{"type":"integer","minimum":1,"maximum":100,"default":10},"c2dLockMs":{"type":"integer","minimum":1000,"default":60000},"maxMethodPayloadBytes":{"type":"integer","minimum":1,"default":131072},"telemetryPerSecond":{"type":"integer","minimum":0,"default":0},"telemetryRetentionMs":{"type":"integer","minimum":0,"default":86400000},"telemetryMaxHoldMs":{"type":"integer","minimum":1,"default":604800000},"serviceQueueTtlMs":{"type":"integer","minimum":1000,"maximum":172800000,"default":3600000},"serviceQueueMaxRecords":{"type":"integer","minimum":1,"default":10000},"serviceQueueMaxDeliveryCount":{"type":"integer","minimum":1,"maximum":100,"default":10}}},"fileUpload":{"type":"object","additionalProperties":false,"default":{},"properties":{"dir":{"type":"string","minLength":1},"maxFileBytes":{"type":"integer","minimum":1,"default":268435456},"quotaBytes":{"type":"integer","minimum":1,"default":1073741824},"sasTtlS":{"type":"integer","minimum":60,"maximum":86400,"default":3600},"notifications":{"type":"boolean","default":true}}},"tls":{"type":"object","additionalProperties":false,"default":{},"properties":{"caCertFile":{"type":"string","minLength":1},"caKeyFile":{"type":"string","minLength":1},"serverCertFile":{"type":"string","minLength":1},"serverKeyFile":{"type":"string","minLength":1},"extraNames":{"type":"array","items":{"type":"string","minLength":1},"default":[]}},"dependencies":{"serverCertFile":["serverKeyFile"],"serverKeyFile":["serverCertFile"],"caKeyFile":["caCertFile"]}},"log":{"type":"object","additionalProperties":false,"default":{},"properties":{"level":{"enum":["fatal","error","warn","info","debug","trace","silent"],"default":"info"}}}}};
const func2 = Object.prototype.hasOwnProperty;
const func3 = ajvRuntime_ucs2length;
const pattern0 = new RegExp("^(?:[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*\\.?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$", "u");

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="fieldhub-hub-config-hub" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.schemaVersion === undefined){
data.schemaVersion = 1;
}
if(data.hostName === undefined){
data.hostName = "localhost";
}
if(data.dataDir === undefined){
data.dataDir = "./hub-data";
}
if(data.bindAddress === undefined){
data.bindAddress = "0.0.0.0";
}
if(data.mqtt === undefined){
data.mqtt = {};
}
if(data.https === undefined){
data.https = {};
}
if(data.amqp === undefined){
data.amqp = {};
}
if(data.durability === undefined){
data.durability = "process";
}
if(data.limits === undefined){
data.limits = {};
}
if(data.fileUpload === undefined){
data.fileUpload = {};
}
if(data.tls === undefined){
data.tls = {};
}
if(data.log === undefined){
data.log = {};
}
for(const key0 in data){
if(!(func2.call(schema11.properties, key0))){
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
if(1 !== data.schemaVersion){
const err1 = {instancePath:instancePath+"/schemaVersion",schemaPath:"#/properties/schemaVersion/const",keyword:"const",params:{allowedValue: 1},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
let data1 = data.hostName;
if(typeof data1 === "string"){
if(func3(data1) > 253){
const err2 = {instancePath:instancePath+"/hostName",schemaPath:"#/properties/hostName/maxLength",keyword:"maxLength",params:{limit: 253},message:"must NOT have more than 253 characters"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(func3(data1) < 1){
const err3 = {instancePath:instancePath+"/hostName",schemaPath:"#/properties/hostName/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(!pattern0.test(data1)){
const err4 = {instancePath:instancePath+"/hostName",schemaPath:"#/properties/hostName/pattern",keyword:"pattern",params:{pattern: "^(?:[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*\\.?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$"},message:"must match pattern \""+"^(?:[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*\\.?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$"+"\""};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/hostName",schemaPath:"#/properties/hostName/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
let data2 = data.dataDir;
if(typeof data2 === "string"){
if(func3(data2) < 1){
const err6 = {instancePath:instancePath+"/dataDir",schemaPath:"#/properties/dataDir/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
else {
const err7 = {instancePath:instancePath+"/dataDir",schemaPath:"#/properties/dataDir/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
let data3 = data.bindAddress;
if(typeof data3 === "string"){
if(func3(data3) < 1){
const err8 = {instancePath:instancePath+"/bindAddress",schemaPath:"#/properties/bindAddress/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
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
const err9 = {instancePath:instancePath+"/bindAddress",schemaPath:"#/properties/bindAddress/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
let data4 = data.mqtt;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
if(data4.port === undefined){
data4.port = 8883;
}
for(const key1 in data4){
if(!(key1 === "port")){
const err10 = {instancePath:instancePath+"/mqtt",schemaPath:"#/properties/mqtt/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
let data5 = data4.port;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err11 = {instancePath:instancePath+"/mqtt/port",schemaPath:"#/properties/mqtt/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 > 65535 || isNaN(data5)){
const err12 = {instancePath:instancePath+"/mqtt/port",schemaPath:"#/properties/mqtt/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(data5 < 0 || isNaN(data5)){
const err13 = {instancePath:instancePath+"/mqtt/port",schemaPath:"#/properties/mqtt/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
else {
const err14 = {instancePath:instancePath+"/mqtt",schemaPath:"#/properties/mqtt/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
let data6 = data.https;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.port === undefined){
data6.port = 443;
}
for(const key2 in data6){
if(!(key2 === "port")){
const err15 = {instancePath:instancePath+"/https",schemaPath:"#/properties/https/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
let data7 = data6.port;
if(!(((typeof data7 == "number") && (!(data7 % 1) && !isNaN(data7))) && (isFinite(data7)))){
const err16 = {instancePath:instancePath+"/https/port",schemaPath:"#/properties/https/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 > 65535 || isNaN(data7)){
const err17 = {instancePath:instancePath+"/https/port",schemaPath:"#/properties/https/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(data7 < 0 || isNaN(data7)){
const err18 = {instancePath:instancePath+"/https/port",schemaPath:"#/properties/https/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
}
else {
const err19 = {instancePath:instancePath+"/https",schemaPath:"#/properties/https/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
let data8 = data.amqp;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.port === undefined){
data8.port = 5671;
}
for(const key3 in data8){
if(!(key3 === "port")){
const err20 = {instancePath:instancePath+"/amqp",schemaPath:"#/properties/amqp/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
let data9 = data8.port;
if(!(((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9))) && (isFinite(data9)))){
const err21 = {instancePath:instancePath+"/amqp/port",schemaPath:"#/properties/amqp/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 65535 || isNaN(data9)){
const err22 = {instancePath:instancePath+"/amqp/port",schemaPath:"#/properties/amqp/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if(data9 < 0 || isNaN(data9)){
const err23 = {instancePath:instancePath+"/amqp/port",schemaPath:"#/properties/amqp/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
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
const err24 = {instancePath:instancePath+"/amqp",schemaPath:"#/properties/amqp/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
let data10 = data.durability;
if(!((data10 === "process") || (data10 === "power"))){
const err25 = {instancePath:instancePath+"/durability",schemaPath:"#/properties/durability/enum",keyword:"enum",params:{allowedValues: schema11.properties.durability.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
let data11 = data.limits;
if(data11 && typeof data11 == "object" && !Array.isArray(data11)){
if(data11.maxMessageBytes === undefined){
data11.maxMessageBytes = 262144;
}
if(data11.maxC2dBytes === undefined){
data11.maxC2dBytes = 65536;
}
if(data11.maxC2dQueueDepth === undefined){
data11.maxC2dQueueDepth = 50;
}
if(data11.c2dDefaultTtlMs === undefined){
data11.c2dDefaultTtlMs = 3600000;
}
if(data11.c2dMaxDeliveryCount === undefined){
data11.c2dMaxDeliveryCount = 10;
}
if(data11.c2dLockMs === undefined){
data11.c2dLockMs = 60000;
}
if(data11.maxMethodPayloadBytes === undefined){
data11.maxMethodPayloadBytes = 131072;
}
if(data11.telemetryPerSecond === undefined){
data11.telemetryPerSecond = 0;
}
if(data11.telemetryRetentionMs === undefined){
data11.telemetryRetentionMs = 86400000;
}
if(data11.telemetryMaxHoldMs === undefined){
data11.telemetryMaxHoldMs = 604800000;
}
if(data11.serviceQueueTtlMs === undefined){
data11.serviceQueueTtlMs = 3600000;
}
if(data11.serviceQueueMaxRecords === undefined){
data11.serviceQueueMaxRecords = 10000;
}
if(data11.serviceQueueMaxDeliveryCount === undefined){
data11.serviceQueueMaxDeliveryCount = 10;
}
for(const key4 in data11){
if(!(func2.call(schema11.properties.limits.properties, key4))){
const err26 = {instancePath:instancePath+"/limits",schemaPath:"#/properties/limits/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
let data12 = data11.maxMessageBytes;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
const err27 = {instancePath:instancePath+"/limits/maxMessageBytes",schemaPath:"#/properties/limits/properties/maxMessageBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 < 1 || isNaN(data12)){
const err28 = {instancePath:instancePath+"/limits/maxMessageBytes",schemaPath:"#/properties/limits/properties/maxMessageBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
let data13 = data11.maxC2dBytes;
if(!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))){
const err29 = {instancePath:instancePath+"/limits/maxC2dBytes",schemaPath:"#/properties/limits/properties/maxC2dBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 < 1 || isNaN(data13)){
const err30 = {instancePath:instancePath+"/limits/maxC2dBytes",schemaPath:"#/properties/limits/properties/maxC2dBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
let data14 = data11.maxC2dQueueDepth;
if(!(((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14))) && (isFinite(data14)))){
const err31 = {instancePath:instancePath+"/limits/maxC2dQueueDepth",schemaPath:"#/properties/limits/properties/maxC2dQueueDepth/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 < 1 || isNaN(data14)){
const err32 = {instancePath:instancePath+"/limits/maxC2dQueueDepth",schemaPath:"#/properties/limits/properties/maxC2dQueueDepth/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
let data15 = data11.c2dDefaultTtlMs;
if(!(((typeof data15 == "number") && (!(data15 % 1) && !isNaN(data15))) && (isFinite(data15)))){
const err33 = {instancePath:instancePath+"/limits/c2dDefaultTtlMs",schemaPath:"#/properties/limits/properties/c2dDefaultTtlMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
if((typeof data15 == "number") && (isFinite(data15))){
if(data15 > 172800000 || isNaN(data15)){
const err34 = {instancePath:instancePath+"/limits/c2dDefaultTtlMs",schemaPath:"#/properties/limits/properties/c2dDefaultTtlMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 172800000},message:"must be <= 172800000"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
if(data15 < 1000 || isNaN(data15)){
const err35 = {instancePath:instancePath+"/limits/c2dDefaultTtlMs",schemaPath:"#/properties/limits/properties/c2dDefaultTtlMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1000},message:"must be >= 1000"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
let data16 = data11.c2dMaxDeliveryCount;
if(!(((typeof data16 == "number") && (!(data16 % 1) && !isNaN(data16))) && (isFinite(data16)))){
const err36 = {instancePath:instancePath+"/limits/c2dMaxDeliveryCount",schemaPath:"#/properties/limits/properties/c2dMaxDeliveryCount/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
if((typeof data16 == "number") && (isFinite(data16))){
if(data16 > 100 || isNaN(data16)){
const err37 = {instancePath:instancePath+"/limits/c2dMaxDeliveryCount",schemaPath:"#/properties/limits/properties/c2dMaxDeliveryCount/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
if(data16 < 1 || isNaN(data16)){
const err38 = {instancePath:instancePath+"/limits/c2dMaxDeliveryCount",schemaPath:"#/properties/limits/properties/c2dMaxDeliveryCount/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
let data17 = data11.c2dLockMs;
if(!(((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17))) && (isFinite(data17)))){
const err39 = {instancePath:instancePath+"/limits/c2dLockMs",schemaPath:"#/properties/limits/properties/c2dLockMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
if((typeof data17 == "number") && (isFinite(data17))){
if(data17 < 1000 || isNaN(data17)){
const err40 = {instancePath:instancePath+"/limits/c2dLockMs",schemaPath:"#/properties/limits/properties/c2dLockMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1000},message:"must be >= 1000"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
let data18 = data11.maxMethodPayloadBytes;
if(!(((typeof data18 == "number") && (!(data18 % 1) && !isNaN(data18))) && (isFinite(data18)))){
const err41 = {instancePath:instancePath+"/limits/maxMethodPayloadBytes",schemaPath:"#/properties/limits/properties/maxMethodPayloadBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 < 1 || isNaN(data18)){
const err42 = {instancePath:instancePath+"/limits/maxMethodPayloadBytes",schemaPath:"#/properties/limits/properties/maxMethodPayloadBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
let data19 = data11.telemetryPerSecond;
if(!(((typeof data19 == "number") && (!(data19 % 1) && !isNaN(data19))) && (isFinite(data19)))){
const err43 = {instancePath:instancePath+"/limits/telemetryPerSecond",schemaPath:"#/properties/limits/properties/telemetryPerSecond/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
if((typeof data19 == "number") && (isFinite(data19))){
if(data19 < 0 || isNaN(data19)){
const err44 = {instancePath:instancePath+"/limits/telemetryPerSecond",schemaPath:"#/properties/limits/properties/telemetryPerSecond/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
let data20 = data11.telemetryRetentionMs;
if(!(((typeof data20 == "number") && (!(data20 % 1) && !isNaN(data20))) && (isFinite(data20)))){
const err45 = {instancePath:instancePath+"/limits/telemetryRetentionMs",schemaPath:"#/properties/limits/properties/telemetryRetentionMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 < 0 || isNaN(data20)){
const err46 = {instancePath:instancePath+"/limits/telemetryRetentionMs",schemaPath:"#/properties/limits/properties/telemetryRetentionMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
let data21 = data11.telemetryMaxHoldMs;
if(!(((typeof data21 == "number") && (!(data21 % 1) && !isNaN(data21))) && (isFinite(data21)))){
const err47 = {instancePath:instancePath+"/limits/telemetryMaxHoldMs",schemaPath:"#/properties/limits/properties/telemetryMaxHoldMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 < 1 || isNaN(data21)){
const err48 = {instancePath:instancePath+"/limits/telemetryMaxHoldMs",schemaPath:"#/properties/limits/properties/telemetryMaxHoldMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
let data22 = data11.serviceQueueTtlMs;
if(!(((typeof data22 == "number") && (!(data22 % 1) && !isNaN(data22))) && (isFinite(data22)))){
const err49 = {instancePath:instancePath+"/limits/serviceQueueTtlMs",schemaPath:"#/properties/limits/properties/serviceQueueTtlMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 > 172800000 || isNaN(data22)){
const err50 = {instancePath:instancePath+"/limits/serviceQueueTtlMs",schemaPath:"#/properties/limits/properties/serviceQueueTtlMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 172800000},message:"must be <= 172800000"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
if(data22 < 1000 || isNaN(data22)){
const err51 = {instancePath:instancePath+"/limits/serviceQueueTtlMs",schemaPath:"#/properties/limits/properties/serviceQueueTtlMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1000},message:"must be >= 1000"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
let data23 = data11.serviceQueueMaxRecords;
if(!(((typeof data23 == "number") && (!(data23 % 1) && !isNaN(data23))) && (isFinite(data23)))){
const err52 = {instancePath:instancePath+"/limits/serviceQueueMaxRecords",schemaPath:"#/properties/limits/properties/serviceQueueMaxRecords/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
if((typeof data23 == "number") && (isFinite(data23))){
if(data23 < 1 || isNaN(data23)){
const err53 = {instancePath:instancePath+"/limits/serviceQueueMaxRecords",schemaPath:"#/properties/limits/properties/serviceQueueMaxRecords/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
let data24 = data11.serviceQueueMaxDeliveryCount;
if(!(((typeof data24 == "number") && (!(data24 % 1) && !isNaN(data24))) && (isFinite(data24)))){
const err54 = {instancePath:instancePath+"/limits/serviceQueueMaxDeliveryCount",schemaPath:"#/properties/limits/properties/serviceQueueMaxDeliveryCount/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
if((typeof data24 == "number") && (isFinite(data24))){
if(data24 > 100 || isNaN(data24)){
const err55 = {instancePath:instancePath+"/limits/serviceQueueMaxDeliveryCount",schemaPath:"#/properties/limits/properties/serviceQueueMaxDeliveryCount/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
if(data24 < 1 || isNaN(data24)){
const err56 = {instancePath:instancePath+"/limits/serviceQueueMaxDeliveryCount",schemaPath:"#/properties/limits/properties/serviceQueueMaxDeliveryCount/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
}
else {
const err57 = {instancePath:instancePath+"/limits",schemaPath:"#/properties/limits/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
let data25 = data.fileUpload;
if(data25 && typeof data25 == "object" && !Array.isArray(data25)){
if(data25.maxFileBytes === undefined){
data25.maxFileBytes = 268435456;
}
if(data25.quotaBytes === undefined){
data25.quotaBytes = 1073741824;
}
if(data25.sasTtlS === undefined){
data25.sasTtlS = 3600;
}
if(data25.notifications === undefined){
data25.notifications = true;
}
for(const key5 in data25){
if(!(((((key5 === "dir") || (key5 === "maxFileBytes")) || (key5 === "quotaBytes")) || (key5 === "sasTtlS")) || (key5 === "notifications"))){
const err58 = {instancePath:instancePath+"/fileUpload",schemaPath:"#/properties/fileUpload/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
if(data25.dir !== undefined){
let data26 = data25.dir;
if(typeof data26 === "string"){
if(func3(data26) < 1){
const err59 = {instancePath:instancePath+"/fileUpload/dir",schemaPath:"#/properties/fileUpload/properties/dir/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
else {
const err60 = {instancePath:instancePath+"/fileUpload/dir",schemaPath:"#/properties/fileUpload/properties/dir/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
let data27 = data25.maxFileBytes;
if(!(((typeof data27 == "number") && (!(data27 % 1) && !isNaN(data27))) && (isFinite(data27)))){
const err61 = {instancePath:instancePath+"/fileUpload/maxFileBytes",schemaPath:"#/properties/fileUpload/properties/maxFileBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
if((typeof data27 == "number") && (isFinite(data27))){
if(data27 < 1 || isNaN(data27)){
const err62 = {instancePath:instancePath+"/fileUpload/maxFileBytes",schemaPath:"#/properties/fileUpload/properties/maxFileBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
let data28 = data25.quotaBytes;
if(!(((typeof data28 == "number") && (!(data28 % 1) && !isNaN(data28))) && (isFinite(data28)))){
const err63 = {instancePath:instancePath+"/fileUpload/quotaBytes",schemaPath:"#/properties/fileUpload/properties/quotaBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
if((typeof data28 == "number") && (isFinite(data28))){
if(data28 < 1 || isNaN(data28)){
const err64 = {instancePath:instancePath+"/fileUpload/quotaBytes",schemaPath:"#/properties/fileUpload/properties/quotaBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
}
let data29 = data25.sasTtlS;
if(!(((typeof data29 == "number") && (!(data29 % 1) && !isNaN(data29))) && (isFinite(data29)))){
const err65 = {instancePath:instancePath+"/fileUpload/sasTtlS",schemaPath:"#/properties/fileUpload/properties/sasTtlS/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
if((typeof data29 == "number") && (isFinite(data29))){
if(data29 > 86400 || isNaN(data29)){
const err66 = {instancePath:instancePath+"/fileUpload/sasTtlS",schemaPath:"#/properties/fileUpload/properties/sasTtlS/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
if(data29 < 60 || isNaN(data29)){
const err67 = {instancePath:instancePath+"/fileUpload/sasTtlS",schemaPath:"#/properties/fileUpload/properties/sasTtlS/minimum",keyword:"minimum",params:{comparison: ">=", limit: 60},message:"must be >= 60"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
if(typeof data25.notifications !== "boolean"){
const err68 = {instancePath:instancePath+"/fileUpload/notifications",schemaPath:"#/properties/fileUpload/properties/notifications/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
else {
const err69 = {instancePath:instancePath+"/fileUpload",schemaPath:"#/properties/fileUpload/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
let data31 = data.tls;
if(data31 && typeof data31 == "object" && !Array.isArray(data31)){
if(data31.extraNames === undefined){
data31.extraNames = [];
}
for(const key6 in data31){
if(!(((((key6 === "caCertFile") || (key6 === "caKeyFile")) || (key6 === "serverCertFile")) || (key6 === "serverKeyFile")) || (key6 === "extraNames"))){
const err70 = {instancePath:instancePath+"/tls",schemaPath:"#/properties/tls/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
if(data31.serverCertFile !== undefined){
if(data31.serverKeyFile === undefined){
const err71 = {instancePath:instancePath+"/tls",schemaPath:"#/properties/tls/dependencies",keyword:"dependencies",params:{property: "serverCertFile",
    missingProperty: "serverKeyFile",
    depsCount: 1,
    deps: "serverKeyFile"},message:"must have property serverKeyFile when property serverCertFile is present"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
if(data31.serverKeyFile !== undefined){
if(data31.serverCertFile === undefined){
const err72 = {instancePath:instancePath+"/tls",schemaPath:"#/properties/tls/dependencies",keyword:"dependencies",params:{property: "serverKeyFile",
    missingProperty: "serverCertFile",
    depsCount: 1,
    deps: "serverCertFile"},message:"must have property serverCertFile when property serverKeyFile is present"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
if(data31.caKeyFile !== undefined){
if(data31.caCertFile === undefined){
const err73 = {instancePath:instancePath+"/tls",schemaPath:"#/properties/tls/dependencies",keyword:"dependencies",params:{property: "caKeyFile",
    missingProperty: "caCertFile",
    depsCount: 1,
    deps: "caCertFile"},message:"must have property caCertFile when property caKeyFile is present"};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
if(data31.caCertFile !== undefined){
let data32 = data31.caCertFile;
if(typeof data32 === "string"){
if(func3(data32) < 1){
const err74 = {instancePath:instancePath+"/tls/caCertFile",schemaPath:"#/properties/tls/properties/caCertFile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
else {
const err75 = {instancePath:instancePath+"/tls/caCertFile",schemaPath:"#/properties/tls/properties/caCertFile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
if(data31.caKeyFile !== undefined){
let data33 = data31.caKeyFile;
if(typeof data33 === "string"){
if(func3(data33) < 1){
const err76 = {instancePath:instancePath+"/tls/caKeyFile",schemaPath:"#/properties/tls/properties/caKeyFile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
}
else {
const err77 = {instancePath:instancePath+"/tls/caKeyFile",schemaPath:"#/properties/tls/properties/caKeyFile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
if(data31.serverCertFile !== undefined){
let data34 = data31.serverCertFile;
if(typeof data34 === "string"){
if(func3(data34) < 1){
const err78 = {instancePath:instancePath+"/tls/serverCertFile",schemaPath:"#/properties/tls/properties/serverCertFile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
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
const err79 = {instancePath:instancePath+"/tls/serverCertFile",schemaPath:"#/properties/tls/properties/serverCertFile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
}
if(data31.serverKeyFile !== undefined){
let data35 = data31.serverKeyFile;
if(typeof data35 === "string"){
if(func3(data35) < 1){
const err80 = {instancePath:instancePath+"/tls/serverKeyFile",schemaPath:"#/properties/tls/properties/serverKeyFile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
else {
const err81 = {instancePath:instancePath+"/tls/serverKeyFile",schemaPath:"#/properties/tls/properties/serverKeyFile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
}
let data36 = data31.extraNames;
if(Array.isArray(data36)){
const len0 = data36.length;
for(let i0=0; i0<len0; i0++){
let data37 = data36[i0];
if(typeof data37 === "string"){
if(func3(data37) < 1){
const err82 = {instancePath:instancePath+"/tls/extraNames/" + i0,schemaPath:"#/properties/tls/properties/extraNames/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
}
else {
const err83 = {instancePath:instancePath+"/tls/extraNames/" + i0,schemaPath:"#/properties/tls/properties/extraNames/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
}
}
else {
const err84 = {instancePath:instancePath+"/tls/extraNames",schemaPath:"#/properties/tls/properties/extraNames/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
}
else {
const err85 = {instancePath:instancePath+"/tls",schemaPath:"#/properties/tls/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
let data38 = data.log;
if(data38 && typeof data38 == "object" && !Array.isArray(data38)){
if(data38.level === undefined){
data38.level = "info";
}
for(const key7 in data38){
if(!(key7 === "level")){
const err86 = {instancePath:instancePath+"/log",schemaPath:"#/properties/log/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
let data39 = data38.level;
if(!(((((((data39 === "fatal") || (data39 === "error")) || (data39 === "warn")) || (data39 === "info")) || (data39 === "debug")) || (data39 === "trace")) || (data39 === "silent"))){
const err87 = {instancePath:instancePath+"/log/level",schemaPath:"#/properties/log/properties/level/enum",keyword:"enum",params:{allowedValues: schema11.properties.log.properties.level.enum},message:"must be equal to one of the allowed values"};
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
const err88 = {instancePath:instancePath+"/log",schemaPath:"#/properties/log/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
}
else {
const err89 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}

export const validateGatewayRole = validate11;
const schema12 = {"$id":"fieldhub-hub-config-gateway","type":"object","additionalProperties":false,"properties":{"schemaVersion":{"const":1,"default":1},"hostName":{"type":"string","minLength":1,"maxLength":253,"default":"localhost","pattern":"^(?:[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*\\.?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$"},"dataDir":{"type":"string","minLength":1,"default":"./data"},"bindAddress":{"type":"string","minLength":1,"default":"0.0.0.0"},"mqtt":{"type":"object","additionalProperties":false,"default":{},"properties":{"port":{"type":"integer","minimum":0,"maximum":65535,"default":8883}}},"https":{"type":"object","additionalProperties":false,"default":{},"properties":{"port":{"type":"integer","minimum":0,"maximum":65535,"default":8443}}},"amqp":{"type":"object","additionalProperties":false,"default":{},"properties":{"port":{"type":"integer","minimum":0,"maximum":65535,"default":5671}}},"durability":{"enum":["process","power"],"default":"process"},"limits":{"type":"object","additionalProperties":false,"default":{},"properties":{"maxMessageBytes":{"type":"integer","minimum":1,"default":262144},"maxC2dBytes":{"type":"integer","minimum":1,"default":65536},"maxC2dQueueDepth":{"type":"integer","minimum":1,"default":50},"c2dDefaultTtlMs":{"type":"integer","minimum":1000,"maximum":172800000,"default":3600000},"c2dMaxDeliveryCount":{"type":"integer","minimum":1,"maximum":100,"default":10},"c2dLockMs":{"type":"integer","minimum":1000,"default":60000},"maxMethodPayloadBytes":{"type":"integer","minimum":1,"default":131072},"telemetryPerSecond":{"type":"integer","minimum":0,"default":0},"telemetryRetentionMs":{"type":"integer","minimum":0,"default":86400000},"telemetryMaxHoldMs":{"type":"integer","minimum":1,"default":604800000},"serviceQueueTtlMs":{"type":"integer","minimum":1000,"maximum":172800000,"default":3600000},"serviceQueueMaxRecords":{"type":"integer","minimum":1,"default":10000},"serviceQueueMaxDeliveryCount":{"type":"integer","minimum":1,"maximum":100,"default":10}}},"fileUpload":{"type":"object","additionalProperties":false,"default":{},"properties":{"dir":{"type":"string","minLength":1},"maxFileBytes":{"type":"integer","minimum":1,"default":268435456},"quotaBytes":{"type":"integer","minimum":1,"default":1073741824},"sasTtlS":{"type":"integer","minimum":60,"maximum":86400,"default":3600},"notifications":{"type":"boolean","default":true}}},"tls":{"type":"object","additionalProperties":false,"default":{},"properties":{"caCertFile":{"type":"string","minLength":1},"caKeyFile":{"type":"string","minLength":1},"serverCertFile":{"type":"string","minLength":1},"serverKeyFile":{"type":"string","minLength":1},"extraNames":{"type":"array","items":{"type":"string","minLength":1},"default":[]}},"dependencies":{"serverCertFile":["serverKeyFile"],"serverKeyFile":["serverCertFile"],"caKeyFile":["caCertFile"]}},"log":{"type":"object","additionalProperties":false,"default":{},"properties":{"level":{"enum":["fatal","error","warn","info","debug","trace","silent"],"default":"info"}}},"gateway":{"type":"object","additionalProperties":false,"default":{},"properties":{"deviceId":{"type":"string","pattern":"^[A-Za-z0-9\\-:.+%_#*?!(),=@;$']{1,128}$","default":"fieldhub-gateway"}}},"upstream":{"type":"object","additionalProperties":false,"properties":{"protocol":{"enum":["amqp","mqtt","mqtt-bridge"],"default":"amqp"},"connectionString":{"type":"string","pattern":"HostName=[^;]+"},"auth":{"enum":["policy","deviceKeys","parent"],"default":"policy"},"port":{"type":"integer","minimum":1,"maximum":65535},"httpsPort":{"type":"integer","minimum":1,"maximum":65535,"default":443},"caFile":{"type":"string","minLength":1},"createIdentities":{"type":"boolean","default":true},"identitiesPerSecond":{"type":"integer","minimum":1,"maximum":10000,"default":50},"identitiesPerConnection":{"type":"integer","minimum":1,"maximum":100000,"default":1000},"reconnect":{"type":"object","additionalProperties":false,"default":{},"properties":{"minDelayMs":{"type":"integer","minimum":10,"maximum":600000,"default":1000},"maxDelayMs":{"type":"integer","minimum":100,"maximum":3600000,"default":60000}}},"bridge":{"type":"object","additionalProperties":false,"required":["url"],"properties":{"url":{"type":"string","pattern":"^mqtts?://"},"clientId":{"type":"string","minLength":1},"username":{"type":"string","minLength":1},"password":{"type":"string"},"caFile":{"type":"string","minLength":1},"telemetryTopic":{"type":"string","minLength":1,"default":"fieldhub/{deviceId}/messages"},"commandTopic":{"type":"string","minLength":1}}},"outbox":{"type":"object","additionalProperties":false,"default":{},"properties":{"maxBytes":{"type":"integer","minimum":65536,"default":268435456},"ttlMs":{"type":"integer","minimum":1000,"default":604800000},"fullPolicy":{"enum":["reject","dropOldest"],"default":"reject"},"drainShare":{"type":"number","minimum":0.05,"maximum":1,"default":0.5},"maxInFlight":{"type":"integer","minimum":1,"maximum":10000,"default":256}}}}},"modules":{"type":"object","propertyNames":{"pattern":"^[A-Za-z][A-Za-z0-9_-]{0,63}$"},"additionalProperties":{"type":"object","additionalProperties":false,"required":["type"],"properties":{"type":{"type":"string","minLength":1},"enabled":{"type":"boolean","default":true},"dependsOn":{"type":"array","items":{"type":"string","pattern":"^[A-Za-z][A-Za-z0-9_-]{0,63}$"},"default":[]},"config":{"type":"object","default":{}}}}},"sinks":{"type":"object","propertyNames":{"pattern":"^[A-Za-z][A-Za-z0-9_-]{0,63}$"},"additionalProperties":{"type":"object","required":["type"],"properties":{"type":{"enum":["file","mqtt"]}},"allOf":[{"if":{"properties":{"type":{"const":"file"}}},"then":{"additionalProperties":false,"required":["path"],"properties":{"type":{"const":"file"},"path":{"type":"string","minLength":1},"maxBytes":{"type":"integer","minimum":1024,"default":10485760},"maxFiles":{"type":"integer","minimum":1,"maximum":1000,"default":5},"fsync":{"type":"boolean","default":false}}}},{"if":{"properties":{"type":{"const":"mqtt"}}},"then":{"additionalProperties":false,"required":["url"],"properties":{"type":{"const":"mqtt"},"url":{"type":"string","pattern":"^mqtts?://"},"topic":{"type":"string","minLength":1,"default":"fieldhub/{deviceId}/messages"},"qos":{"enum":[0,1],"default":1},"clientId":{"type":"string","minLength":1},"username":{"type":"string","minLength":1},"password":{"type":"string"},"caFile":{"type":"string","minLength":1}}}}]}},"routes":{"type":"object","propertyNames":{"pattern":"^[A-Za-z][A-Za-z0-9_-]{0,63}$"},"additionalProperties":{"type":"string","minLength":1}}}};
const pattern2 = new RegExp("^[A-Za-z0-9\\-:.+%_#*?!(),=@;$']{1,128}$", "u");
const pattern3 = new RegExp("HostName=[^;]+", "u");
const pattern4 = new RegExp("^mqtts?://", "u");
const pattern5 = new RegExp("^[A-Za-z][A-Za-z0-9_-]{0,63}$", "u");

function validate11(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="fieldhub-hub-config-gateway" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.schemaVersion === undefined){
data.schemaVersion = 1;
}
if(data.hostName === undefined){
data.hostName = "localhost";
}
if(data.dataDir === undefined){
data.dataDir = "./data";
}
if(data.bindAddress === undefined){
data.bindAddress = "0.0.0.0";
}
if(data.mqtt === undefined){
data.mqtt = {};
}
if(data.https === undefined){
data.https = {};
}
if(data.amqp === undefined){
data.amqp = {};
}
if(data.durability === undefined){
data.durability = "process";
}
if(data.limits === undefined){
data.limits = {};
}
if(data.fileUpload === undefined){
data.fileUpload = {};
}
if(data.tls === undefined){
data.tls = {};
}
if(data.log === undefined){
data.log = {};
}
if(data.gateway === undefined){
data.gateway = {};
}
for(const key0 in data){
if(!(func2.call(schema12.properties, key0))){
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
if(1 !== data.schemaVersion){
const err1 = {instancePath:instancePath+"/schemaVersion",schemaPath:"#/properties/schemaVersion/const",keyword:"const",params:{allowedValue: 1},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
let data1 = data.hostName;
if(typeof data1 === "string"){
if(func3(data1) > 253){
const err2 = {instancePath:instancePath+"/hostName",schemaPath:"#/properties/hostName/maxLength",keyword:"maxLength",params:{limit: 253},message:"must NOT have more than 253 characters"};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(func3(data1) < 1){
const err3 = {instancePath:instancePath+"/hostName",schemaPath:"#/properties/hostName/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
if(!pattern0.test(data1)){
const err4 = {instancePath:instancePath+"/hostName",schemaPath:"#/properties/hostName/pattern",keyword:"pattern",params:{pattern: "^(?:[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*\\.?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$"},message:"must match pattern \""+"^(?:[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*\\.?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$"+"\""};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/hostName",schemaPath:"#/properties/hostName/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
let data2 = data.dataDir;
if(typeof data2 === "string"){
if(func3(data2) < 1){
const err6 = {instancePath:instancePath+"/dataDir",schemaPath:"#/properties/dataDir/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
else {
const err7 = {instancePath:instancePath+"/dataDir",schemaPath:"#/properties/dataDir/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
let data3 = data.bindAddress;
if(typeof data3 === "string"){
if(func3(data3) < 1){
const err8 = {instancePath:instancePath+"/bindAddress",schemaPath:"#/properties/bindAddress/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
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
const err9 = {instancePath:instancePath+"/bindAddress",schemaPath:"#/properties/bindAddress/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
let data4 = data.mqtt;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
if(data4.port === undefined){
data4.port = 8883;
}
for(const key1 in data4){
if(!(key1 === "port")){
const err10 = {instancePath:instancePath+"/mqtt",schemaPath:"#/properties/mqtt/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
let data5 = data4.port;
if(!(((typeof data5 == "number") && (!(data5 % 1) && !isNaN(data5))) && (isFinite(data5)))){
const err11 = {instancePath:instancePath+"/mqtt/port",schemaPath:"#/properties/mqtt/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 > 65535 || isNaN(data5)){
const err12 = {instancePath:instancePath+"/mqtt/port",schemaPath:"#/properties/mqtt/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535"};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(data5 < 0 || isNaN(data5)){
const err13 = {instancePath:instancePath+"/mqtt/port",schemaPath:"#/properties/mqtt/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
else {
const err14 = {instancePath:instancePath+"/mqtt",schemaPath:"#/properties/mqtt/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
let data6 = data.https;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.port === undefined){
data6.port = 8443;
}
for(const key2 in data6){
if(!(key2 === "port")){
const err15 = {instancePath:instancePath+"/https",schemaPath:"#/properties/https/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
let data7 = data6.port;
if(!(((typeof data7 == "number") && (!(data7 % 1) && !isNaN(data7))) && (isFinite(data7)))){
const err16 = {instancePath:instancePath+"/https/port",schemaPath:"#/properties/https/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if((typeof data7 == "number") && (isFinite(data7))){
if(data7 > 65535 || isNaN(data7)){
const err17 = {instancePath:instancePath+"/https/port",schemaPath:"#/properties/https/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535"};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(data7 < 0 || isNaN(data7)){
const err18 = {instancePath:instancePath+"/https/port",schemaPath:"#/properties/https/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
}
else {
const err19 = {instancePath:instancePath+"/https",schemaPath:"#/properties/https/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
let data8 = data.amqp;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.port === undefined){
data8.port = 5671;
}
for(const key3 in data8){
if(!(key3 === "port")){
const err20 = {instancePath:instancePath+"/amqp",schemaPath:"#/properties/amqp/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
let data9 = data8.port;
if(!(((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9))) && (isFinite(data9)))){
const err21 = {instancePath:instancePath+"/amqp/port",schemaPath:"#/properties/amqp/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if((typeof data9 == "number") && (isFinite(data9))){
if(data9 > 65535 || isNaN(data9)){
const err22 = {instancePath:instancePath+"/amqp/port",schemaPath:"#/properties/amqp/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535"};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if(data9 < 0 || isNaN(data9)){
const err23 = {instancePath:instancePath+"/amqp/port",schemaPath:"#/properties/amqp/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
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
const err24 = {instancePath:instancePath+"/amqp",schemaPath:"#/properties/amqp/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
let data10 = data.durability;
if(!((data10 === "process") || (data10 === "power"))){
const err25 = {instancePath:instancePath+"/durability",schemaPath:"#/properties/durability/enum",keyword:"enum",params:{allowedValues: schema12.properties.durability.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
let data11 = data.limits;
if(data11 && typeof data11 == "object" && !Array.isArray(data11)){
if(data11.maxMessageBytes === undefined){
data11.maxMessageBytes = 262144;
}
if(data11.maxC2dBytes === undefined){
data11.maxC2dBytes = 65536;
}
if(data11.maxC2dQueueDepth === undefined){
data11.maxC2dQueueDepth = 50;
}
if(data11.c2dDefaultTtlMs === undefined){
data11.c2dDefaultTtlMs = 3600000;
}
if(data11.c2dMaxDeliveryCount === undefined){
data11.c2dMaxDeliveryCount = 10;
}
if(data11.c2dLockMs === undefined){
data11.c2dLockMs = 60000;
}
if(data11.maxMethodPayloadBytes === undefined){
data11.maxMethodPayloadBytes = 131072;
}
if(data11.telemetryPerSecond === undefined){
data11.telemetryPerSecond = 0;
}
if(data11.telemetryRetentionMs === undefined){
data11.telemetryRetentionMs = 86400000;
}
if(data11.telemetryMaxHoldMs === undefined){
data11.telemetryMaxHoldMs = 604800000;
}
if(data11.serviceQueueTtlMs === undefined){
data11.serviceQueueTtlMs = 3600000;
}
if(data11.serviceQueueMaxRecords === undefined){
data11.serviceQueueMaxRecords = 10000;
}
if(data11.serviceQueueMaxDeliveryCount === undefined){
data11.serviceQueueMaxDeliveryCount = 10;
}
for(const key4 in data11){
if(!(func2.call(schema12.properties.limits.properties, key4))){
const err26 = {instancePath:instancePath+"/limits",schemaPath:"#/properties/limits/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
let data12 = data11.maxMessageBytes;
if(!(((typeof data12 == "number") && (!(data12 % 1) && !isNaN(data12))) && (isFinite(data12)))){
const err27 = {instancePath:instancePath+"/limits/maxMessageBytes",schemaPath:"#/properties/limits/properties/maxMessageBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if((typeof data12 == "number") && (isFinite(data12))){
if(data12 < 1 || isNaN(data12)){
const err28 = {instancePath:instancePath+"/limits/maxMessageBytes",schemaPath:"#/properties/limits/properties/maxMessageBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
let data13 = data11.maxC2dBytes;
if(!(((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13))) && (isFinite(data13)))){
const err29 = {instancePath:instancePath+"/limits/maxC2dBytes",schemaPath:"#/properties/limits/properties/maxC2dBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if((typeof data13 == "number") && (isFinite(data13))){
if(data13 < 1 || isNaN(data13)){
const err30 = {instancePath:instancePath+"/limits/maxC2dBytes",schemaPath:"#/properties/limits/properties/maxC2dBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
let data14 = data11.maxC2dQueueDepth;
if(!(((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14))) && (isFinite(data14)))){
const err31 = {instancePath:instancePath+"/limits/maxC2dQueueDepth",schemaPath:"#/properties/limits/properties/maxC2dQueueDepth/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if((typeof data14 == "number") && (isFinite(data14))){
if(data14 < 1 || isNaN(data14)){
const err32 = {instancePath:instancePath+"/limits/maxC2dQueueDepth",schemaPath:"#/properties/limits/properties/maxC2dQueueDepth/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
let data15 = data11.c2dDefaultTtlMs;
if(!(((typeof data15 == "number") && (!(data15 % 1) && !isNaN(data15))) && (isFinite(data15)))){
const err33 = {instancePath:instancePath+"/limits/c2dDefaultTtlMs",schemaPath:"#/properties/limits/properties/c2dDefaultTtlMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
if((typeof data15 == "number") && (isFinite(data15))){
if(data15 > 172800000 || isNaN(data15)){
const err34 = {instancePath:instancePath+"/limits/c2dDefaultTtlMs",schemaPath:"#/properties/limits/properties/c2dDefaultTtlMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 172800000},message:"must be <= 172800000"};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
if(data15 < 1000 || isNaN(data15)){
const err35 = {instancePath:instancePath+"/limits/c2dDefaultTtlMs",schemaPath:"#/properties/limits/properties/c2dDefaultTtlMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1000},message:"must be >= 1000"};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
let data16 = data11.c2dMaxDeliveryCount;
if(!(((typeof data16 == "number") && (!(data16 % 1) && !isNaN(data16))) && (isFinite(data16)))){
const err36 = {instancePath:instancePath+"/limits/c2dMaxDeliveryCount",schemaPath:"#/properties/limits/properties/c2dMaxDeliveryCount/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
if((typeof data16 == "number") && (isFinite(data16))){
if(data16 > 100 || isNaN(data16)){
const err37 = {instancePath:instancePath+"/limits/c2dMaxDeliveryCount",schemaPath:"#/properties/limits/properties/c2dMaxDeliveryCount/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
if(data16 < 1 || isNaN(data16)){
const err38 = {instancePath:instancePath+"/limits/c2dMaxDeliveryCount",schemaPath:"#/properties/limits/properties/c2dMaxDeliveryCount/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
let data17 = data11.c2dLockMs;
if(!(((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17))) && (isFinite(data17)))){
const err39 = {instancePath:instancePath+"/limits/c2dLockMs",schemaPath:"#/properties/limits/properties/c2dLockMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
if((typeof data17 == "number") && (isFinite(data17))){
if(data17 < 1000 || isNaN(data17)){
const err40 = {instancePath:instancePath+"/limits/c2dLockMs",schemaPath:"#/properties/limits/properties/c2dLockMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1000},message:"must be >= 1000"};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
let data18 = data11.maxMethodPayloadBytes;
if(!(((typeof data18 == "number") && (!(data18 % 1) && !isNaN(data18))) && (isFinite(data18)))){
const err41 = {instancePath:instancePath+"/limits/maxMethodPayloadBytes",schemaPath:"#/properties/limits/properties/maxMethodPayloadBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if((typeof data18 == "number") && (isFinite(data18))){
if(data18 < 1 || isNaN(data18)){
const err42 = {instancePath:instancePath+"/limits/maxMethodPayloadBytes",schemaPath:"#/properties/limits/properties/maxMethodPayloadBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
let data19 = data11.telemetryPerSecond;
if(!(((typeof data19 == "number") && (!(data19 % 1) && !isNaN(data19))) && (isFinite(data19)))){
const err43 = {instancePath:instancePath+"/limits/telemetryPerSecond",schemaPath:"#/properties/limits/properties/telemetryPerSecond/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
if((typeof data19 == "number") && (isFinite(data19))){
if(data19 < 0 || isNaN(data19)){
const err44 = {instancePath:instancePath+"/limits/telemetryPerSecond",schemaPath:"#/properties/limits/properties/telemetryPerSecond/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
let data20 = data11.telemetryRetentionMs;
if(!(((typeof data20 == "number") && (!(data20 % 1) && !isNaN(data20))) && (isFinite(data20)))){
const err45 = {instancePath:instancePath+"/limits/telemetryRetentionMs",schemaPath:"#/properties/limits/properties/telemetryRetentionMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 < 0 || isNaN(data20)){
const err46 = {instancePath:instancePath+"/limits/telemetryRetentionMs",schemaPath:"#/properties/limits/properties/telemetryRetentionMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
let data21 = data11.telemetryMaxHoldMs;
if(!(((typeof data21 == "number") && (!(data21 % 1) && !isNaN(data21))) && (isFinite(data21)))){
const err47 = {instancePath:instancePath+"/limits/telemetryMaxHoldMs",schemaPath:"#/properties/limits/properties/telemetryMaxHoldMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if((typeof data21 == "number") && (isFinite(data21))){
if(data21 < 1 || isNaN(data21)){
const err48 = {instancePath:instancePath+"/limits/telemetryMaxHoldMs",schemaPath:"#/properties/limits/properties/telemetryMaxHoldMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
let data22 = data11.serviceQueueTtlMs;
if(!(((typeof data22 == "number") && (!(data22 % 1) && !isNaN(data22))) && (isFinite(data22)))){
const err49 = {instancePath:instancePath+"/limits/serviceQueueTtlMs",schemaPath:"#/properties/limits/properties/serviceQueueTtlMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 > 172800000 || isNaN(data22)){
const err50 = {instancePath:instancePath+"/limits/serviceQueueTtlMs",schemaPath:"#/properties/limits/properties/serviceQueueTtlMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 172800000},message:"must be <= 172800000"};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
if(data22 < 1000 || isNaN(data22)){
const err51 = {instancePath:instancePath+"/limits/serviceQueueTtlMs",schemaPath:"#/properties/limits/properties/serviceQueueTtlMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1000},message:"must be >= 1000"};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
let data23 = data11.serviceQueueMaxRecords;
if(!(((typeof data23 == "number") && (!(data23 % 1) && !isNaN(data23))) && (isFinite(data23)))){
const err52 = {instancePath:instancePath+"/limits/serviceQueueMaxRecords",schemaPath:"#/properties/limits/properties/serviceQueueMaxRecords/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
if((typeof data23 == "number") && (isFinite(data23))){
if(data23 < 1 || isNaN(data23)){
const err53 = {instancePath:instancePath+"/limits/serviceQueueMaxRecords",schemaPath:"#/properties/limits/properties/serviceQueueMaxRecords/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
let data24 = data11.serviceQueueMaxDeliveryCount;
if(!(((typeof data24 == "number") && (!(data24 % 1) && !isNaN(data24))) && (isFinite(data24)))){
const err54 = {instancePath:instancePath+"/limits/serviceQueueMaxDeliveryCount",schemaPath:"#/properties/limits/properties/serviceQueueMaxDeliveryCount/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
if((typeof data24 == "number") && (isFinite(data24))){
if(data24 > 100 || isNaN(data24)){
const err55 = {instancePath:instancePath+"/limits/serviceQueueMaxDeliveryCount",schemaPath:"#/properties/limits/properties/serviceQueueMaxDeliveryCount/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100"};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
if(data24 < 1 || isNaN(data24)){
const err56 = {instancePath:instancePath+"/limits/serviceQueueMaxDeliveryCount",schemaPath:"#/properties/limits/properties/serviceQueueMaxDeliveryCount/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
}
}
else {
const err57 = {instancePath:instancePath+"/limits",schemaPath:"#/properties/limits/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
let data25 = data.fileUpload;
if(data25 && typeof data25 == "object" && !Array.isArray(data25)){
if(data25.maxFileBytes === undefined){
data25.maxFileBytes = 268435456;
}
if(data25.quotaBytes === undefined){
data25.quotaBytes = 1073741824;
}
if(data25.sasTtlS === undefined){
data25.sasTtlS = 3600;
}
if(data25.notifications === undefined){
data25.notifications = true;
}
for(const key5 in data25){
if(!(((((key5 === "dir") || (key5 === "maxFileBytes")) || (key5 === "quotaBytes")) || (key5 === "sasTtlS")) || (key5 === "notifications"))){
const err58 = {instancePath:instancePath+"/fileUpload",schemaPath:"#/properties/fileUpload/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
if(data25.dir !== undefined){
let data26 = data25.dir;
if(typeof data26 === "string"){
if(func3(data26) < 1){
const err59 = {instancePath:instancePath+"/fileUpload/dir",schemaPath:"#/properties/fileUpload/properties/dir/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
else {
const err60 = {instancePath:instancePath+"/fileUpload/dir",schemaPath:"#/properties/fileUpload/properties/dir/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
let data27 = data25.maxFileBytes;
if(!(((typeof data27 == "number") && (!(data27 % 1) && !isNaN(data27))) && (isFinite(data27)))){
const err61 = {instancePath:instancePath+"/fileUpload/maxFileBytes",schemaPath:"#/properties/fileUpload/properties/maxFileBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
if((typeof data27 == "number") && (isFinite(data27))){
if(data27 < 1 || isNaN(data27)){
const err62 = {instancePath:instancePath+"/fileUpload/maxFileBytes",schemaPath:"#/properties/fileUpload/properties/maxFileBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
let data28 = data25.quotaBytes;
if(!(((typeof data28 == "number") && (!(data28 % 1) && !isNaN(data28))) && (isFinite(data28)))){
const err63 = {instancePath:instancePath+"/fileUpload/quotaBytes",schemaPath:"#/properties/fileUpload/properties/quotaBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
if((typeof data28 == "number") && (isFinite(data28))){
if(data28 < 1 || isNaN(data28)){
const err64 = {instancePath:instancePath+"/fileUpload/quotaBytes",schemaPath:"#/properties/fileUpload/properties/quotaBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
}
let data29 = data25.sasTtlS;
if(!(((typeof data29 == "number") && (!(data29 % 1) && !isNaN(data29))) && (isFinite(data29)))){
const err65 = {instancePath:instancePath+"/fileUpload/sasTtlS",schemaPath:"#/properties/fileUpload/properties/sasTtlS/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
if((typeof data29 == "number") && (isFinite(data29))){
if(data29 > 86400 || isNaN(data29)){
const err66 = {instancePath:instancePath+"/fileUpload/sasTtlS",schemaPath:"#/properties/fileUpload/properties/sasTtlS/maximum",keyword:"maximum",params:{comparison: "<=", limit: 86400},message:"must be <= 86400"};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
if(data29 < 60 || isNaN(data29)){
const err67 = {instancePath:instancePath+"/fileUpload/sasTtlS",schemaPath:"#/properties/fileUpload/properties/sasTtlS/minimum",keyword:"minimum",params:{comparison: ">=", limit: 60},message:"must be >= 60"};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
if(typeof data25.notifications !== "boolean"){
const err68 = {instancePath:instancePath+"/fileUpload/notifications",schemaPath:"#/properties/fileUpload/properties/notifications/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
else {
const err69 = {instancePath:instancePath+"/fileUpload",schemaPath:"#/properties/fileUpload/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
let data31 = data.tls;
if(data31 && typeof data31 == "object" && !Array.isArray(data31)){
if(data31.extraNames === undefined){
data31.extraNames = [];
}
for(const key6 in data31){
if(!(((((key6 === "caCertFile") || (key6 === "caKeyFile")) || (key6 === "serverCertFile")) || (key6 === "serverKeyFile")) || (key6 === "extraNames"))){
const err70 = {instancePath:instancePath+"/tls",schemaPath:"#/properties/tls/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
if(data31.serverCertFile !== undefined){
if(data31.serverKeyFile === undefined){
const err71 = {instancePath:instancePath+"/tls",schemaPath:"#/properties/tls/dependencies",keyword:"dependencies",params:{property: "serverCertFile",
    missingProperty: "serverKeyFile",
    depsCount: 1,
    deps: "serverKeyFile"},message:"must have property serverKeyFile when property serverCertFile is present"};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
if(data31.serverKeyFile !== undefined){
if(data31.serverCertFile === undefined){
const err72 = {instancePath:instancePath+"/tls",schemaPath:"#/properties/tls/dependencies",keyword:"dependencies",params:{property: "serverKeyFile",
    missingProperty: "serverCertFile",
    depsCount: 1,
    deps: "serverCertFile"},message:"must have property serverCertFile when property serverKeyFile is present"};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
if(data31.caKeyFile !== undefined){
if(data31.caCertFile === undefined){
const err73 = {instancePath:instancePath+"/tls",schemaPath:"#/properties/tls/dependencies",keyword:"dependencies",params:{property: "caKeyFile",
    missingProperty: "caCertFile",
    depsCount: 1,
    deps: "caCertFile"},message:"must have property caCertFile when property caKeyFile is present"};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
if(data31.caCertFile !== undefined){
let data32 = data31.caCertFile;
if(typeof data32 === "string"){
if(func3(data32) < 1){
const err74 = {instancePath:instancePath+"/tls/caCertFile",schemaPath:"#/properties/tls/properties/caCertFile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
else {
const err75 = {instancePath:instancePath+"/tls/caCertFile",schemaPath:"#/properties/tls/properties/caCertFile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
if(data31.caKeyFile !== undefined){
let data33 = data31.caKeyFile;
if(typeof data33 === "string"){
if(func3(data33) < 1){
const err76 = {instancePath:instancePath+"/tls/caKeyFile",schemaPath:"#/properties/tls/properties/caKeyFile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
}
else {
const err77 = {instancePath:instancePath+"/tls/caKeyFile",schemaPath:"#/properties/tls/properties/caKeyFile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
if(data31.serverCertFile !== undefined){
let data34 = data31.serverCertFile;
if(typeof data34 === "string"){
if(func3(data34) < 1){
const err78 = {instancePath:instancePath+"/tls/serverCertFile",schemaPath:"#/properties/tls/properties/serverCertFile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
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
const err79 = {instancePath:instancePath+"/tls/serverCertFile",schemaPath:"#/properties/tls/properties/serverCertFile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
}
if(data31.serverKeyFile !== undefined){
let data35 = data31.serverKeyFile;
if(typeof data35 === "string"){
if(func3(data35) < 1){
const err80 = {instancePath:instancePath+"/tls/serverKeyFile",schemaPath:"#/properties/tls/properties/serverKeyFile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
else {
const err81 = {instancePath:instancePath+"/tls/serverKeyFile",schemaPath:"#/properties/tls/properties/serverKeyFile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
}
let data36 = data31.extraNames;
if(Array.isArray(data36)){
const len0 = data36.length;
for(let i0=0; i0<len0; i0++){
let data37 = data36[i0];
if(typeof data37 === "string"){
if(func3(data37) < 1){
const err82 = {instancePath:instancePath+"/tls/extraNames/" + i0,schemaPath:"#/properties/tls/properties/extraNames/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
}
else {
const err83 = {instancePath:instancePath+"/tls/extraNames/" + i0,schemaPath:"#/properties/tls/properties/extraNames/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
}
}
else {
const err84 = {instancePath:instancePath+"/tls/extraNames",schemaPath:"#/properties/tls/properties/extraNames/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
}
else {
const err85 = {instancePath:instancePath+"/tls",schemaPath:"#/properties/tls/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
let data38 = data.log;
if(data38 && typeof data38 == "object" && !Array.isArray(data38)){
if(data38.level === undefined){
data38.level = "info";
}
for(const key7 in data38){
if(!(key7 === "level")){
const err86 = {instancePath:instancePath+"/log",schemaPath:"#/properties/log/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
let data39 = data38.level;
if(!(((((((data39 === "fatal") || (data39 === "error")) || (data39 === "warn")) || (data39 === "info")) || (data39 === "debug")) || (data39 === "trace")) || (data39 === "silent"))){
const err87 = {instancePath:instancePath+"/log/level",schemaPath:"#/properties/log/properties/level/enum",keyword:"enum",params:{allowedValues: schema12.properties.log.properties.level.enum},message:"must be equal to one of the allowed values"};
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
const err88 = {instancePath:instancePath+"/log",schemaPath:"#/properties/log/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
let data40 = data.gateway;
if(data40 && typeof data40 == "object" && !Array.isArray(data40)){
if(data40.deviceId === undefined){
data40.deviceId = "fieldhub-gateway";
}
for(const key8 in data40){
if(!(key8 === "deviceId")){
const err89 = {instancePath:instancePath+"/gateway",schemaPath:"#/properties/gateway/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key8},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
}
let data41 = data40.deviceId;
if(typeof data41 === "string"){
if(!pattern2.test(data41)){
const err90 = {instancePath:instancePath+"/gateway/deviceId",schemaPath:"#/properties/gateway/properties/deviceId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9\\-:.+%_#*?!(),=@;$']{1,128}$"},message:"must match pattern \""+"^[A-Za-z0-9\\-:.+%_#*?!(),=@;$']{1,128}$"+"\""};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
}
else {
const err91 = {instancePath:instancePath+"/gateway/deviceId",schemaPath:"#/properties/gateway/properties/deviceId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
}
else {
const err92 = {instancePath:instancePath+"/gateway",schemaPath:"#/properties/gateway/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
if(data.upstream !== undefined){
let data42 = data.upstream;
if(data42 && typeof data42 == "object" && !Array.isArray(data42)){
if(data42.protocol === undefined){
data42.protocol = "amqp";
}
if(data42.auth === undefined){
data42.auth = "policy";
}
if(data42.httpsPort === undefined){
data42.httpsPort = 443;
}
if(data42.createIdentities === undefined){
data42.createIdentities = true;
}
if(data42.identitiesPerSecond === undefined){
data42.identitiesPerSecond = 50;
}
if(data42.identitiesPerConnection === undefined){
data42.identitiesPerConnection = 1000;
}
if(data42.reconnect === undefined){
data42.reconnect = {};
}
if(data42.outbox === undefined){
data42.outbox = {};
}
for(const key9 in data42){
if(!(func2.call(schema12.properties.upstream.properties, key9))){
const err93 = {instancePath:instancePath+"/upstream",schemaPath:"#/properties/upstream/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key9},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
}
let data43 = data42.protocol;
if(!(((data43 === "amqp") || (data43 === "mqtt")) || (data43 === "mqtt-bridge"))){
const err94 = {instancePath:instancePath+"/upstream/protocol",schemaPath:"#/properties/upstream/properties/protocol/enum",keyword:"enum",params:{allowedValues: schema12.properties.upstream.properties.protocol.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
if(data42.connectionString !== undefined){
let data44 = data42.connectionString;
if(typeof data44 === "string"){
if(!pattern3.test(data44)){
const err95 = {instancePath:instancePath+"/upstream/connectionString",schemaPath:"#/properties/upstream/properties/connectionString/pattern",keyword:"pattern",params:{pattern: "HostName=[^;]+"},message:"must match pattern \""+"HostName=[^;]+"+"\""};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
}
else {
const err96 = {instancePath:instancePath+"/upstream/connectionString",schemaPath:"#/properties/upstream/properties/connectionString/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
}
let data45 = data42.auth;
if(!(((data45 === "policy") || (data45 === "deviceKeys")) || (data45 === "parent"))){
const err97 = {instancePath:instancePath+"/upstream/auth",schemaPath:"#/properties/upstream/properties/auth/enum",keyword:"enum",params:{allowedValues: schema12.properties.upstream.properties.auth.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
if(data42.port !== undefined){
let data46 = data42.port;
if(!(((typeof data46 == "number") && (!(data46 % 1) && !isNaN(data46))) && (isFinite(data46)))){
const err98 = {instancePath:instancePath+"/upstream/port",schemaPath:"#/properties/upstream/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
if((typeof data46 == "number") && (isFinite(data46))){
if(data46 > 65535 || isNaN(data46)){
const err99 = {instancePath:instancePath+"/upstream/port",schemaPath:"#/properties/upstream/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535"};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
if(data46 < 1 || isNaN(data46)){
const err100 = {instancePath:instancePath+"/upstream/port",schemaPath:"#/properties/upstream/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
}
}
let data47 = data42.httpsPort;
if(!(((typeof data47 == "number") && (!(data47 % 1) && !isNaN(data47))) && (isFinite(data47)))){
const err101 = {instancePath:instancePath+"/upstream/httpsPort",schemaPath:"#/properties/upstream/properties/httpsPort/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
}
if((typeof data47 == "number") && (isFinite(data47))){
if(data47 > 65535 || isNaN(data47)){
const err102 = {instancePath:instancePath+"/upstream/httpsPort",schemaPath:"#/properties/upstream/properties/httpsPort/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535"};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
}
if(data47 < 1 || isNaN(data47)){
const err103 = {instancePath:instancePath+"/upstream/httpsPort",schemaPath:"#/properties/upstream/properties/httpsPort/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
}
if(data42.caFile !== undefined){
let data48 = data42.caFile;
if(typeof data48 === "string"){
if(func3(data48) < 1){
const err104 = {instancePath:instancePath+"/upstream/caFile",schemaPath:"#/properties/upstream/properties/caFile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
}
else {
const err105 = {instancePath:instancePath+"/upstream/caFile",schemaPath:"#/properties/upstream/properties/caFile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
}
if(typeof data42.createIdentities !== "boolean"){
const err106 = {instancePath:instancePath+"/upstream/createIdentities",schemaPath:"#/properties/upstream/properties/createIdentities/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
let data50 = data42.identitiesPerSecond;
if(!(((typeof data50 == "number") && (!(data50 % 1) && !isNaN(data50))) && (isFinite(data50)))){
const err107 = {instancePath:instancePath+"/upstream/identitiesPerSecond",schemaPath:"#/properties/upstream/properties/identitiesPerSecond/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
if((typeof data50 == "number") && (isFinite(data50))){
if(data50 > 10000 || isNaN(data50)){
const err108 = {instancePath:instancePath+"/upstream/identitiesPerSecond",schemaPath:"#/properties/upstream/properties/identitiesPerSecond/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10000},message:"must be <= 10000"};
if(vErrors === null){
vErrors = [err108];
}
else {
vErrors.push(err108);
}
errors++;
}
if(data50 < 1 || isNaN(data50)){
const err109 = {instancePath:instancePath+"/upstream/identitiesPerSecond",schemaPath:"#/properties/upstream/properties/identitiesPerSecond/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err109];
}
else {
vErrors.push(err109);
}
errors++;
}
}
let data51 = data42.identitiesPerConnection;
if(!(((typeof data51 == "number") && (!(data51 % 1) && !isNaN(data51))) && (isFinite(data51)))){
const err110 = {instancePath:instancePath+"/upstream/identitiesPerConnection",schemaPath:"#/properties/upstream/properties/identitiesPerConnection/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err110];
}
else {
vErrors.push(err110);
}
errors++;
}
if((typeof data51 == "number") && (isFinite(data51))){
if(data51 > 100000 || isNaN(data51)){
const err111 = {instancePath:instancePath+"/upstream/identitiesPerConnection",schemaPath:"#/properties/upstream/properties/identitiesPerConnection/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000},message:"must be <= 100000"};
if(vErrors === null){
vErrors = [err111];
}
else {
vErrors.push(err111);
}
errors++;
}
if(data51 < 1 || isNaN(data51)){
const err112 = {instancePath:instancePath+"/upstream/identitiesPerConnection",schemaPath:"#/properties/upstream/properties/identitiesPerConnection/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err112];
}
else {
vErrors.push(err112);
}
errors++;
}
}
let data52 = data42.reconnect;
if(data52 && typeof data52 == "object" && !Array.isArray(data52)){
if(data52.minDelayMs === undefined){
data52.minDelayMs = 1000;
}
if(data52.maxDelayMs === undefined){
data52.maxDelayMs = 60000;
}
for(const key10 in data52){
if(!((key10 === "minDelayMs") || (key10 === "maxDelayMs"))){
const err113 = {instancePath:instancePath+"/upstream/reconnect",schemaPath:"#/properties/upstream/properties/reconnect/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key10},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err113];
}
else {
vErrors.push(err113);
}
errors++;
}
}
let data53 = data52.minDelayMs;
if(!(((typeof data53 == "number") && (!(data53 % 1) && !isNaN(data53))) && (isFinite(data53)))){
const err114 = {instancePath:instancePath+"/upstream/reconnect/minDelayMs",schemaPath:"#/properties/upstream/properties/reconnect/properties/minDelayMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err114];
}
else {
vErrors.push(err114);
}
errors++;
}
if((typeof data53 == "number") && (isFinite(data53))){
if(data53 > 600000 || isNaN(data53)){
const err115 = {instancePath:instancePath+"/upstream/reconnect/minDelayMs",schemaPath:"#/properties/upstream/properties/reconnect/properties/minDelayMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 600000},message:"must be <= 600000"};
if(vErrors === null){
vErrors = [err115];
}
else {
vErrors.push(err115);
}
errors++;
}
if(data53 < 10 || isNaN(data53)){
const err116 = {instancePath:instancePath+"/upstream/reconnect/minDelayMs",schemaPath:"#/properties/upstream/properties/reconnect/properties/minDelayMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 10},message:"must be >= 10"};
if(vErrors === null){
vErrors = [err116];
}
else {
vErrors.push(err116);
}
errors++;
}
}
let data54 = data52.maxDelayMs;
if(!(((typeof data54 == "number") && (!(data54 % 1) && !isNaN(data54))) && (isFinite(data54)))){
const err117 = {instancePath:instancePath+"/upstream/reconnect/maxDelayMs",schemaPath:"#/properties/upstream/properties/reconnect/properties/maxDelayMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err117];
}
else {
vErrors.push(err117);
}
errors++;
}
if((typeof data54 == "number") && (isFinite(data54))){
if(data54 > 3600000 || isNaN(data54)){
const err118 = {instancePath:instancePath+"/upstream/reconnect/maxDelayMs",schemaPath:"#/properties/upstream/properties/reconnect/properties/maxDelayMs/maximum",keyword:"maximum",params:{comparison: "<=", limit: 3600000},message:"must be <= 3600000"};
if(vErrors === null){
vErrors = [err118];
}
else {
vErrors.push(err118);
}
errors++;
}
if(data54 < 100 || isNaN(data54)){
const err119 = {instancePath:instancePath+"/upstream/reconnect/maxDelayMs",schemaPath:"#/properties/upstream/properties/reconnect/properties/maxDelayMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 100},message:"must be >= 100"};
if(vErrors === null){
vErrors = [err119];
}
else {
vErrors.push(err119);
}
errors++;
}
}
}
else {
const err120 = {instancePath:instancePath+"/upstream/reconnect",schemaPath:"#/properties/upstream/properties/reconnect/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err120];
}
else {
vErrors.push(err120);
}
errors++;
}
if(data42.bridge !== undefined){
let data55 = data42.bridge;
if(data55 && typeof data55 == "object" && !Array.isArray(data55)){
if(data55.telemetryTopic === undefined){
data55.telemetryTopic = "fieldhub/{deviceId}/messages";
}
if(data55.url === undefined){
const err121 = {instancePath:instancePath+"/upstream/bridge",schemaPath:"#/properties/upstream/properties/bridge/required",keyword:"required",params:{missingProperty: "url"},message:"must have required property '"+"url"+"'"};
if(vErrors === null){
vErrors = [err121];
}
else {
vErrors.push(err121);
}
errors++;
}
for(const key11 in data55){
if(!(((((((key11 === "url") || (key11 === "clientId")) || (key11 === "username")) || (key11 === "password")) || (key11 === "caFile")) || (key11 === "telemetryTopic")) || (key11 === "commandTopic"))){
const err122 = {instancePath:instancePath+"/upstream/bridge",schemaPath:"#/properties/upstream/properties/bridge/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key11},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err122];
}
else {
vErrors.push(err122);
}
errors++;
}
}
if(data55.url !== undefined){
let data56 = data55.url;
if(typeof data56 === "string"){
if(!pattern4.test(data56)){
const err123 = {instancePath:instancePath+"/upstream/bridge/url",schemaPath:"#/properties/upstream/properties/bridge/properties/url/pattern",keyword:"pattern",params:{pattern: "^mqtts?://"},message:"must match pattern \""+"^mqtts?://"+"\""};
if(vErrors === null){
vErrors = [err123];
}
else {
vErrors.push(err123);
}
errors++;
}
}
else {
const err124 = {instancePath:instancePath+"/upstream/bridge/url",schemaPath:"#/properties/upstream/properties/bridge/properties/url/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err124];
}
else {
vErrors.push(err124);
}
errors++;
}
}
if(data55.clientId !== undefined){
let data57 = data55.clientId;
if(typeof data57 === "string"){
if(func3(data57) < 1){
const err125 = {instancePath:instancePath+"/upstream/bridge/clientId",schemaPath:"#/properties/upstream/properties/bridge/properties/clientId/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
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
const err126 = {instancePath:instancePath+"/upstream/bridge/clientId",schemaPath:"#/properties/upstream/properties/bridge/properties/clientId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err126];
}
else {
vErrors.push(err126);
}
errors++;
}
}
if(data55.username !== undefined){
let data58 = data55.username;
if(typeof data58 === "string"){
if(func3(data58) < 1){
const err127 = {instancePath:instancePath+"/upstream/bridge/username",schemaPath:"#/properties/upstream/properties/bridge/properties/username/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
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
const err128 = {instancePath:instancePath+"/upstream/bridge/username",schemaPath:"#/properties/upstream/properties/bridge/properties/username/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err128];
}
else {
vErrors.push(err128);
}
errors++;
}
}
if(data55.password !== undefined){
if(typeof data55.password !== "string"){
const err129 = {instancePath:instancePath+"/upstream/bridge/password",schemaPath:"#/properties/upstream/properties/bridge/properties/password/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err129];
}
else {
vErrors.push(err129);
}
errors++;
}
}
if(data55.caFile !== undefined){
let data60 = data55.caFile;
if(typeof data60 === "string"){
if(func3(data60) < 1){
const err130 = {instancePath:instancePath+"/upstream/bridge/caFile",schemaPath:"#/properties/upstream/properties/bridge/properties/caFile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
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
const err131 = {instancePath:instancePath+"/upstream/bridge/caFile",schemaPath:"#/properties/upstream/properties/bridge/properties/caFile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err131];
}
else {
vErrors.push(err131);
}
errors++;
}
}
let data61 = data55.telemetryTopic;
if(typeof data61 === "string"){
if(func3(data61) < 1){
const err132 = {instancePath:instancePath+"/upstream/bridge/telemetryTopic",schemaPath:"#/properties/upstream/properties/bridge/properties/telemetryTopic/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err132];
}
else {
vErrors.push(err132);
}
errors++;
}
}
else {
const err133 = {instancePath:instancePath+"/upstream/bridge/telemetryTopic",schemaPath:"#/properties/upstream/properties/bridge/properties/telemetryTopic/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err133];
}
else {
vErrors.push(err133);
}
errors++;
}
if(data55.commandTopic !== undefined){
let data62 = data55.commandTopic;
if(typeof data62 === "string"){
if(func3(data62) < 1){
const err134 = {instancePath:instancePath+"/upstream/bridge/commandTopic",schemaPath:"#/properties/upstream/properties/bridge/properties/commandTopic/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err134];
}
else {
vErrors.push(err134);
}
errors++;
}
}
else {
const err135 = {instancePath:instancePath+"/upstream/bridge/commandTopic",schemaPath:"#/properties/upstream/properties/bridge/properties/commandTopic/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err135];
}
else {
vErrors.push(err135);
}
errors++;
}
}
}
else {
const err136 = {instancePath:instancePath+"/upstream/bridge",schemaPath:"#/properties/upstream/properties/bridge/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err136];
}
else {
vErrors.push(err136);
}
errors++;
}
}
let data63 = data42.outbox;
if(data63 && typeof data63 == "object" && !Array.isArray(data63)){
if(data63.maxBytes === undefined){
data63.maxBytes = 268435456;
}
if(data63.ttlMs === undefined){
data63.ttlMs = 604800000;
}
if(data63.fullPolicy === undefined){
data63.fullPolicy = "reject";
}
if(data63.drainShare === undefined){
data63.drainShare = 0.5;
}
if(data63.maxInFlight === undefined){
data63.maxInFlight = 256;
}
for(const key12 in data63){
if(!(((((key12 === "maxBytes") || (key12 === "ttlMs")) || (key12 === "fullPolicy")) || (key12 === "drainShare")) || (key12 === "maxInFlight"))){
const err137 = {instancePath:instancePath+"/upstream/outbox",schemaPath:"#/properties/upstream/properties/outbox/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key12},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err137];
}
else {
vErrors.push(err137);
}
errors++;
}
}
let data64 = data63.maxBytes;
if(!(((typeof data64 == "number") && (!(data64 % 1) && !isNaN(data64))) && (isFinite(data64)))){
const err138 = {instancePath:instancePath+"/upstream/outbox/maxBytes",schemaPath:"#/properties/upstream/properties/outbox/properties/maxBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err138];
}
else {
vErrors.push(err138);
}
errors++;
}
if((typeof data64 == "number") && (isFinite(data64))){
if(data64 < 65536 || isNaN(data64)){
const err139 = {instancePath:instancePath+"/upstream/outbox/maxBytes",schemaPath:"#/properties/upstream/properties/outbox/properties/maxBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 65536},message:"must be >= 65536"};
if(vErrors === null){
vErrors = [err139];
}
else {
vErrors.push(err139);
}
errors++;
}
}
let data65 = data63.ttlMs;
if(!(((typeof data65 == "number") && (!(data65 % 1) && !isNaN(data65))) && (isFinite(data65)))){
const err140 = {instancePath:instancePath+"/upstream/outbox/ttlMs",schemaPath:"#/properties/upstream/properties/outbox/properties/ttlMs/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err140];
}
else {
vErrors.push(err140);
}
errors++;
}
if((typeof data65 == "number") && (isFinite(data65))){
if(data65 < 1000 || isNaN(data65)){
const err141 = {instancePath:instancePath+"/upstream/outbox/ttlMs",schemaPath:"#/properties/upstream/properties/outbox/properties/ttlMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1000},message:"must be >= 1000"};
if(vErrors === null){
vErrors = [err141];
}
else {
vErrors.push(err141);
}
errors++;
}
}
let data66 = data63.fullPolicy;
if(!((data66 === "reject") || (data66 === "dropOldest"))){
const err142 = {instancePath:instancePath+"/upstream/outbox/fullPolicy",schemaPath:"#/properties/upstream/properties/outbox/properties/fullPolicy/enum",keyword:"enum",params:{allowedValues: schema12.properties.upstream.properties.outbox.properties.fullPolicy.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err142];
}
else {
vErrors.push(err142);
}
errors++;
}
let data67 = data63.drainShare;
if((typeof data67 == "number") && (isFinite(data67))){
if(data67 > 1 || isNaN(data67)){
const err143 = {instancePath:instancePath+"/upstream/outbox/drainShare",schemaPath:"#/properties/upstream/properties/outbox/properties/drainShare/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1},message:"must be <= 1"};
if(vErrors === null){
vErrors = [err143];
}
else {
vErrors.push(err143);
}
errors++;
}
if(data67 < 0.05 || isNaN(data67)){
const err144 = {instancePath:instancePath+"/upstream/outbox/drainShare",schemaPath:"#/properties/upstream/properties/outbox/properties/drainShare/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0.05},message:"must be >= 0.05"};
if(vErrors === null){
vErrors = [err144];
}
else {
vErrors.push(err144);
}
errors++;
}
}
else {
const err145 = {instancePath:instancePath+"/upstream/outbox/drainShare",schemaPath:"#/properties/upstream/properties/outbox/properties/drainShare/type",keyword:"type",params:{type: "number"},message:"must be number"};
if(vErrors === null){
vErrors = [err145];
}
else {
vErrors.push(err145);
}
errors++;
}
let data68 = data63.maxInFlight;
if(!(((typeof data68 == "number") && (!(data68 % 1) && !isNaN(data68))) && (isFinite(data68)))){
const err146 = {instancePath:instancePath+"/upstream/outbox/maxInFlight",schemaPath:"#/properties/upstream/properties/outbox/properties/maxInFlight/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err146];
}
else {
vErrors.push(err146);
}
errors++;
}
if((typeof data68 == "number") && (isFinite(data68))){
if(data68 > 10000 || isNaN(data68)){
const err147 = {instancePath:instancePath+"/upstream/outbox/maxInFlight",schemaPath:"#/properties/upstream/properties/outbox/properties/maxInFlight/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10000},message:"must be <= 10000"};
if(vErrors === null){
vErrors = [err147];
}
else {
vErrors.push(err147);
}
errors++;
}
if(data68 < 1 || isNaN(data68)){
const err148 = {instancePath:instancePath+"/upstream/outbox/maxInFlight",schemaPath:"#/properties/upstream/properties/outbox/properties/maxInFlight/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err148];
}
else {
vErrors.push(err148);
}
errors++;
}
}
}
else {
const err149 = {instancePath:instancePath+"/upstream/outbox",schemaPath:"#/properties/upstream/properties/outbox/type",keyword:"type",params:{type: "object"},message:"must be object"};
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
const err150 = {instancePath:instancePath+"/upstream",schemaPath:"#/properties/upstream/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err150];
}
else {
vErrors.push(err150);
}
errors++;
}
}
if(data.modules !== undefined){
let data69 = data.modules;
if(data69 && typeof data69 == "object" && !Array.isArray(data69)){
for(const key13 in data69){
const _errs148 = errors;
if(typeof key13 === "string"){
if(!pattern5.test(key13)){
const err151 = {instancePath:instancePath+"/modules",schemaPath:"#/properties/modules/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z][A-Za-z0-9_-]{0,63}$"},message:"must match pattern \""+"^[A-Za-z][A-Za-z0-9_-]{0,63}$"+"\"",propertyName:key13};
if(vErrors === null){
vErrors = [err151];
}
else {
vErrors.push(err151);
}
errors++;
}
}
var valid16 = _errs148 === errors;
if(!valid16){
const err152 = {instancePath:instancePath+"/modules",schemaPath:"#/properties/modules/propertyNames",keyword:"propertyNames",params:{propertyName: key13},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err152];
}
else {
vErrors.push(err152);
}
errors++;
}
}
for(const key14 in data69){
let data70 = data69[key14];
if(data70 && typeof data70 == "object" && !Array.isArray(data70)){
if(data70.enabled === undefined){
data70.enabled = true;
}
if(data70.dependsOn === undefined){
data70.dependsOn = [];
}
if(data70.config === undefined){
data70.config = {};
}
if(data70.type === undefined){
const err153 = {instancePath:instancePath+"/modules/" + key14.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/modules/additionalProperties/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err153];
}
else {
vErrors.push(err153);
}
errors++;
}
for(const key15 in data70){
if(!((((key15 === "type") || (key15 === "enabled")) || (key15 === "dependsOn")) || (key15 === "config"))){
const err154 = {instancePath:instancePath+"/modules/" + key14.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/modules/additionalProperties/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key15},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err154];
}
else {
vErrors.push(err154);
}
errors++;
}
}
if(data70.type !== undefined){
let data71 = data70.type;
if(typeof data71 === "string"){
if(func3(data71) < 1){
const err155 = {instancePath:instancePath+"/modules/" + key14.replace(/~/g, "~0").replace(/\//g, "~1")+"/type",schemaPath:"#/properties/modules/additionalProperties/properties/type/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err155];
}
else {
vErrors.push(err155);
}
errors++;
}
}
else {
const err156 = {instancePath:instancePath+"/modules/" + key14.replace(/~/g, "~0").replace(/\//g, "~1")+"/type",schemaPath:"#/properties/modules/additionalProperties/properties/type/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err156];
}
else {
vErrors.push(err156);
}
errors++;
}
}
if(typeof data70.enabled !== "boolean"){
const err157 = {instancePath:instancePath+"/modules/" + key14.replace(/~/g, "~0").replace(/\//g, "~1")+"/enabled",schemaPath:"#/properties/modules/additionalProperties/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err157];
}
else {
vErrors.push(err157);
}
errors++;
}
let data73 = data70.dependsOn;
if(Array.isArray(data73)){
const len1 = data73.length;
for(let i1=0; i1<len1; i1++){
let data74 = data73[i1];
if(typeof data74 === "string"){
if(!pattern5.test(data74)){
const err158 = {instancePath:instancePath+"/modules/" + key14.replace(/~/g, "~0").replace(/\//g, "~1")+"/dependsOn/" + i1,schemaPath:"#/properties/modules/additionalProperties/properties/dependsOn/items/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z][A-Za-z0-9_-]{0,63}$"},message:"must match pattern \""+"^[A-Za-z][A-Za-z0-9_-]{0,63}$"+"\""};
if(vErrors === null){
vErrors = [err158];
}
else {
vErrors.push(err158);
}
errors++;
}
}
else {
const err159 = {instancePath:instancePath+"/modules/" + key14.replace(/~/g, "~0").replace(/\//g, "~1")+"/dependsOn/" + i1,schemaPath:"#/properties/modules/additionalProperties/properties/dependsOn/items/type",keyword:"type",params:{type: "string"},message:"must be string"};
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
const err160 = {instancePath:instancePath+"/modules/" + key14.replace(/~/g, "~0").replace(/\//g, "~1")+"/dependsOn",schemaPath:"#/properties/modules/additionalProperties/properties/dependsOn/type",keyword:"type",params:{type: "array"},message:"must be array"};
if(vErrors === null){
vErrors = [err160];
}
else {
vErrors.push(err160);
}
errors++;
}
let data75 = data70.config;
if(!(data75 && typeof data75 == "object" && !Array.isArray(data75))){
const err161 = {instancePath:instancePath+"/modules/" + key14.replace(/~/g, "~0").replace(/\//g, "~1")+"/config",schemaPath:"#/properties/modules/additionalProperties/properties/config/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err161];
}
else {
vErrors.push(err161);
}
errors++;
}
}
else {
const err162 = {instancePath:instancePath+"/modules/" + key14.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/modules/additionalProperties/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err162];
}
else {
vErrors.push(err162);
}
errors++;
}
}
}
else {
const err163 = {instancePath:instancePath+"/modules",schemaPath:"#/properties/modules/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err163];
}
else {
vErrors.push(err163);
}
errors++;
}
}
if(data.sinks !== undefined){
let data76 = data.sinks;
if(data76 && typeof data76 == "object" && !Array.isArray(data76)){
for(const key16 in data76){
const _errs165 = errors;
if(typeof key16 === "string"){
if(!pattern5.test(key16)){
const err164 = {instancePath:instancePath+"/sinks",schemaPath:"#/properties/sinks/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z][A-Za-z0-9_-]{0,63}$"},message:"must match pattern \""+"^[A-Za-z][A-Za-z0-9_-]{0,63}$"+"\"",propertyName:key16};
if(vErrors === null){
vErrors = [err164];
}
else {
vErrors.push(err164);
}
errors++;
}
}
var valid21 = _errs165 === errors;
if(!valid21){
const err165 = {instancePath:instancePath+"/sinks",schemaPath:"#/properties/sinks/propertyNames",keyword:"propertyNames",params:{propertyName: key16},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err165];
}
else {
vErrors.push(err165);
}
errors++;
}
}
for(const key17 in data76){
let data77 = data76[key17];
const _errs170 = errors;
let valid24 = true;
const _errs171 = errors;
if(data77 && typeof data77 == "object" && !Array.isArray(data77)){
if(data77.type !== undefined){
if("file" !== data77.type){
const err166 = {};
if(vErrors === null){
vErrors = [err166];
}
else {
vErrors.push(err166);
}
errors++;
}
}
}
var _valid0 = _errs171 === errors;
errors = _errs170;
if(vErrors !== null){
if(_errs170){
vErrors.length = _errs170;
}
else {
vErrors = null;
}
}
if(_valid0){
const _errs173 = errors;
if(data77 && typeof data77 == "object" && !Array.isArray(data77)){
if(data77.maxBytes === undefined){
data77.maxBytes = 10485760;
}
if(data77.maxFiles === undefined){
data77.maxFiles = 5;
}
if(data77.fsync === undefined){
data77.fsync = false;
}
if(data77.path === undefined){
const err167 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/sinks/additionalProperties/allOf/0/then/required",keyword:"required",params:{missingProperty: "path"},message:"must have required property '"+"path"+"'"};
if(vErrors === null){
vErrors = [err167];
}
else {
vErrors.push(err167);
}
errors++;
}
for(const key18 in data77){
if(!(((((key18 === "type") || (key18 === "path")) || (key18 === "maxBytes")) || (key18 === "maxFiles")) || (key18 === "fsync"))){
const err168 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/sinks/additionalProperties/allOf/0/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key18},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err168];
}
else {
vErrors.push(err168);
}
errors++;
}
}
if(data77.type !== undefined){
if("file" !== data77.type){
const err169 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/type",schemaPath:"#/properties/sinks/additionalProperties/allOf/0/then/properties/type/const",keyword:"const",params:{allowedValue: "file"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err169];
}
else {
vErrors.push(err169);
}
errors++;
}
}
if(data77.path !== undefined){
let data80 = data77.path;
if(typeof data80 === "string"){
if(func3(data80) < 1){
const err170 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/path",schemaPath:"#/properties/sinks/additionalProperties/allOf/0/then/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err170];
}
else {
vErrors.push(err170);
}
errors++;
}
}
else {
const err171 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/path",schemaPath:"#/properties/sinks/additionalProperties/allOf/0/then/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err171];
}
else {
vErrors.push(err171);
}
errors++;
}
}
let data81 = data77.maxBytes;
if(!(((typeof data81 == "number") && (!(data81 % 1) && !isNaN(data81))) && (isFinite(data81)))){
const err172 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/maxBytes",schemaPath:"#/properties/sinks/additionalProperties/allOf/0/then/properties/maxBytes/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err172];
}
else {
vErrors.push(err172);
}
errors++;
}
if((typeof data81 == "number") && (isFinite(data81))){
if(data81 < 1024 || isNaN(data81)){
const err173 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/maxBytes",schemaPath:"#/properties/sinks/additionalProperties/allOf/0/then/properties/maxBytes/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1024},message:"must be >= 1024"};
if(vErrors === null){
vErrors = [err173];
}
else {
vErrors.push(err173);
}
errors++;
}
}
let data82 = data77.maxFiles;
if(!(((typeof data82 == "number") && (!(data82 % 1) && !isNaN(data82))) && (isFinite(data82)))){
const err174 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/maxFiles",schemaPath:"#/properties/sinks/additionalProperties/allOf/0/then/properties/maxFiles/type",keyword:"type",params:{type: "integer"},message:"must be integer"};
if(vErrors === null){
vErrors = [err174];
}
else {
vErrors.push(err174);
}
errors++;
}
if((typeof data82 == "number") && (isFinite(data82))){
if(data82 > 1000 || isNaN(data82)){
const err175 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/maxFiles",schemaPath:"#/properties/sinks/additionalProperties/allOf/0/then/properties/maxFiles/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000},message:"must be <= 1000"};
if(vErrors === null){
vErrors = [err175];
}
else {
vErrors.push(err175);
}
errors++;
}
if(data82 < 1 || isNaN(data82)){
const err176 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/maxFiles",schemaPath:"#/properties/sinks/additionalProperties/allOf/0/then/properties/maxFiles/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"};
if(vErrors === null){
vErrors = [err176];
}
else {
vErrors.push(err176);
}
errors++;
}
}
if(typeof data77.fsync !== "boolean"){
const err177 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/fsync",schemaPath:"#/properties/sinks/additionalProperties/allOf/0/then/properties/fsync/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};
if(vErrors === null){
vErrors = [err177];
}
else {
vErrors.push(err177);
}
errors++;
}
}
var _valid0 = _errs173 === errors;
valid24 = _valid0;
}
if(!valid24){
const err178 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/sinks/additionalProperties/allOf/0/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err178];
}
else {
vErrors.push(err178);
}
errors++;
}
const _errs185 = errors;
let valid27 = true;
const _errs186 = errors;
if(data77 && typeof data77 == "object" && !Array.isArray(data77)){
if(data77.type !== undefined){
if("mqtt" !== data77.type){
const err179 = {};
if(vErrors === null){
vErrors = [err179];
}
else {
vErrors.push(err179);
}
errors++;
}
}
}
var _valid1 = _errs186 === errors;
errors = _errs185;
if(vErrors !== null){
if(_errs185){
vErrors.length = _errs185;
}
else {
vErrors = null;
}
}
if(_valid1){
const _errs188 = errors;
if(data77 && typeof data77 == "object" && !Array.isArray(data77)){
if(data77.topic === undefined){
data77.topic = "fieldhub/{deviceId}/messages";
}
if(data77.qos === undefined){
data77.qos = 1;
}
if(data77.url === undefined){
const err180 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/required",keyword:"required",params:{missingProperty: "url"},message:"must have required property '"+"url"+"'"};
if(vErrors === null){
vErrors = [err180];
}
else {
vErrors.push(err180);
}
errors++;
}
for(const key19 in data77){
if(!((((((((key19 === "type") || (key19 === "url")) || (key19 === "topic")) || (key19 === "qos")) || (key19 === "clientId")) || (key19 === "username")) || (key19 === "password")) || (key19 === "caFile"))){
const err181 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key19},message:"must NOT have additional properties"};
if(vErrors === null){
vErrors = [err181];
}
else {
vErrors.push(err181);
}
errors++;
}
}
if(data77.type !== undefined){
if("mqtt" !== data77.type){
const err182 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/type",schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/properties/type/const",keyword:"const",params:{allowedValue: "mqtt"},message:"must be equal to constant"};
if(vErrors === null){
vErrors = [err182];
}
else {
vErrors.push(err182);
}
errors++;
}
}
if(data77.url !== undefined){
let data86 = data77.url;
if(typeof data86 === "string"){
if(!pattern4.test(data86)){
const err183 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/url",schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/properties/url/pattern",keyword:"pattern",params:{pattern: "^mqtts?://"},message:"must match pattern \""+"^mqtts?://"+"\""};
if(vErrors === null){
vErrors = [err183];
}
else {
vErrors.push(err183);
}
errors++;
}
}
else {
const err184 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/url",schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/properties/url/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err184];
}
else {
vErrors.push(err184);
}
errors++;
}
}
let data87 = data77.topic;
if(typeof data87 === "string"){
if(func3(data87) < 1){
const err185 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/topic",schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/properties/topic/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err185];
}
else {
vErrors.push(err185);
}
errors++;
}
}
else {
const err186 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/topic",schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/properties/topic/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err186];
}
else {
vErrors.push(err186);
}
errors++;
}
let data88 = data77.qos;
if(!((data88 === 0) || (data88 === 1))){
const err187 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/qos",schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/properties/qos/enum",keyword:"enum",params:{allowedValues: schema12.properties.sinks.additionalProperties.allOf[1].then.properties.qos.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err187];
}
else {
vErrors.push(err187);
}
errors++;
}
if(data77.clientId !== undefined){
let data89 = data77.clientId;
if(typeof data89 === "string"){
if(func3(data89) < 1){
const err188 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/clientId",schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/properties/clientId/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err188];
}
else {
vErrors.push(err188);
}
errors++;
}
}
else {
const err189 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/clientId",schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/properties/clientId/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err189];
}
else {
vErrors.push(err189);
}
errors++;
}
}
if(data77.username !== undefined){
let data90 = data77.username;
if(typeof data90 === "string"){
if(func3(data90) < 1){
const err190 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/username",schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/properties/username/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err190];
}
else {
vErrors.push(err190);
}
errors++;
}
}
else {
const err191 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/username",schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/properties/username/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err191];
}
else {
vErrors.push(err191);
}
errors++;
}
}
if(data77.password !== undefined){
if(typeof data77.password !== "string"){
const err192 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/password",schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/properties/password/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err192];
}
else {
vErrors.push(err192);
}
errors++;
}
}
if(data77.caFile !== undefined){
let data92 = data77.caFile;
if(typeof data92 === "string"){
if(func3(data92) < 1){
const err193 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/caFile",schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/properties/caFile/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err193];
}
else {
vErrors.push(err193);
}
errors++;
}
}
else {
const err194 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/caFile",schemaPath:"#/properties/sinks/additionalProperties/allOf/1/then/properties/caFile/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err194];
}
else {
vErrors.push(err194);
}
errors++;
}
}
}
var _valid1 = _errs188 === errors;
valid27 = _valid1;
}
if(!valid27){
const err195 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/sinks/additionalProperties/allOf/1/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema"};
if(vErrors === null){
vErrors = [err195];
}
else {
vErrors.push(err195);
}
errors++;
}
if(data77 && typeof data77 == "object" && !Array.isArray(data77)){
if(data77.type === undefined){
const err196 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/sinks/additionalProperties/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'"};
if(vErrors === null){
vErrors = [err196];
}
else {
vErrors.push(err196);
}
errors++;
}
if(data77.type !== undefined){
let data93 = data77.type;
if(!((data93 === "file") || (data93 === "mqtt"))){
const err197 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1")+"/type",schemaPath:"#/properties/sinks/additionalProperties/properties/type/enum",keyword:"enum",params:{allowedValues: schema12.properties.sinks.additionalProperties.properties.type.enum},message:"must be equal to one of the allowed values"};
if(vErrors === null){
vErrors = [err197];
}
else {
vErrors.push(err197);
}
errors++;
}
}
}
else {
const err198 = {instancePath:instancePath+"/sinks/" + key17.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/sinks/additionalProperties/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err198];
}
else {
vErrors.push(err198);
}
errors++;
}
}
}
else {
const err199 = {instancePath:instancePath+"/sinks",schemaPath:"#/properties/sinks/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err199];
}
else {
vErrors.push(err199);
}
errors++;
}
}
if(data.routes !== undefined){
let data94 = data.routes;
if(data94 && typeof data94 == "object" && !Array.isArray(data94)){
for(const key20 in data94){
const _errs207 = errors;
if(typeof key20 === "string"){
if(!pattern5.test(key20)){
const err200 = {instancePath:instancePath+"/routes",schemaPath:"#/properties/routes/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z][A-Za-z0-9_-]{0,63}$"},message:"must match pattern \""+"^[A-Za-z][A-Za-z0-9_-]{0,63}$"+"\"",propertyName:key20};
if(vErrors === null){
vErrors = [err200];
}
else {
vErrors.push(err200);
}
errors++;
}
}
var valid31 = _errs207 === errors;
if(!valid31){
const err201 = {instancePath:instancePath+"/routes",schemaPath:"#/properties/routes/propertyNames",keyword:"propertyNames",params:{propertyName: key20},message:"property name must be valid"};
if(vErrors === null){
vErrors = [err201];
}
else {
vErrors.push(err201);
}
errors++;
}
}
for(const key21 in data94){
let data95 = data94[key21];
if(typeof data95 === "string"){
if(func3(data95) < 1){
const err202 = {instancePath:instancePath+"/routes/" + key21.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/routes/additionalProperties/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"};
if(vErrors === null){
vErrors = [err202];
}
else {
vErrors.push(err202);
}
errors++;
}
}
else {
const err203 = {instancePath:instancePath+"/routes/" + key21.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/routes/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string"};
if(vErrors === null){
vErrors = [err203];
}
else {
vErrors.push(err203);
}
errors++;
}
}
}
else {
const err204 = {instancePath:instancePath+"/routes",schemaPath:"#/properties/routes/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err204];
}
else {
vErrors.push(err204);
}
errors++;
}
}
}
else {
const err205 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"};
if(vErrors === null){
vErrors = [err205];
}
else {
vErrors.push(err205);
}
errors++;
}
validate11.errors = vErrors;
return errors === 0;
}
