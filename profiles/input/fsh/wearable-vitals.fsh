// Wearable vital signs: heart rate, resting heart rate, HRV, SpO2 and body weight, derived from the R4 vital-signs profiles.

Profile: FibroTrackHeartRate
Parent: $HR
Id: fibrotrack-heart-rate
Title: "FibroTrack heart rate"
Description: "A heart rate reading (LOINC 8867-4, /min) from a wearable."
* ^status = #active
* insert WearableObservation
* insert UcumValue(/min)

Profile: FibroTrackRestingHeartRate
Parent: $VS
Id: fibrotrack-resting-heart-rate
Title: "FibroTrack resting heart rate"
Description: "A daily resting heart rate (LOINC 40443-4, /min) from a wearable."
* ^status = #active
* code = $LNC#40443-4
* insert WearableObservation
* insert UcumValue(/min)

Profile: FibroTrackHrv
Parent: $VS
Id: fibrotrack-hrv
Title: "FibroTrack heart rate variability"
Description: "Heart rate variability in ms: SDNN (LOINC 80404-7, Apple Health) or RMSSD (FibroTrack hrv-rmssd, Fitbit)."
* ^status = #active
* code from FibroTrackHrvCode (required)
* insert WearableObservation
* insert UcumValue(ms)

Profile: FibroTrackOxygenSaturation
Parent: $SPO2
Id: fibrotrack-oxygen-saturation
Title: "FibroTrack oxygen saturation"
Description: "Oxygen saturation by pulse oximetry in percent (LOINC 59408-5 and 2708-6) from a wearable."
* ^status = #active
* code.coding contains PulseOxCode 1..1 MS
* code.coding[PulseOxCode].system 1..1
* code.coding[PulseOxCode].system = $LNC (exactly)
* code.coding[PulseOxCode].code 1..1
* code.coding[PulseOxCode].code = #59408-5 (exactly)
* insert WearableObservation
* insert UcumValue(%)
* valueQuantity.value ^minValueDecimal = 0
* valueQuantity.value ^maxValueDecimal = 100

Profile: FibroTrackBodyWeight
Parent: $WEIGHT
Id: fibrotrack-body-weight
Title: "FibroTrack body weight"
Description: "A body weight in kg (LOINC 29463-7) from a scale or app."
* ^status = #active
* insert WearableObservation
* insert UcumValue(kg)
