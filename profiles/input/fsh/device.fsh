// The wearable that recorded an observation, identified by a FibroTrack wearable-device identifier.

Invariant: ft-device-1
Description: "A wearable device names its model: modelNumber or deviceName."
Expression: "modelNumber.exists() or deviceName.exists()"
Severity: #error

Profile: FibroTrackWearableDevice
Parent: Device
Id: fibrotrack-wearable-device
Title: "FibroTrack wearable device"
Description: "A wearable or phone (Fitbit tracker, Apple Watch, iPhone, Google Fit source) with its manufacturer and model."
* ^status = #active
* obeys ft-device-1
* identifier 1..* MS
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier contains wearableDevice 1..1 MS
* identifier[wearableDevice].system 1..1
* identifier[wearableDevice].system = "https://fhir.fibrotrack.org/identifier/wearable-device" (exactly)
* identifier[wearableDevice].value 1..1
* manufacturer 1..1 MS
* modelNumber MS
* deviceName MS
* version MS
* patient MS
* patient only Reference(Patient)
