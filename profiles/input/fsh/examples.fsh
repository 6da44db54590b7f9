// One valid example per FibroTrack profile, all about the same patient and her wearables.

Instance: example-patient
InstanceOf: Patient
Usage: #example
Title: "Example patient: Ana Rivera, female, born 1984-03-02"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example patient: Ana Rivera, female, born 1984-03-02</p></div>"
* name.family = "Rivera"
* name.given = "Ana"
* gender = #female
* birthDate = "1984-03-02"

Instance: example-fitbit-charge
InstanceOf: FibroTrackWearableDevice
Usage: #example
Title: "Example Fitbit tracker"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example Fitbit tracker</p></div>"
* identifier[wearableDevice].system = "https://fhir.fibrotrack.org/identifier/wearable-device"
* identifier[wearableDevice].value = "fitbit:charge-6"
* manufacturer = "Fitbit"
* deviceName.name = "Charge 6"
* deviceName.type = #model-name
* modelNumber = "Charge 6"
* patient = Reference(example-patient)

Instance: example-apple-watch
InstanceOf: FibroTrackWearableDevice
Usage: #example
Title: "Example Apple Watch"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example Apple Watch</p></div>"
* identifier[wearableDevice].system = "https://fhir.fibrotrack.org/identifier/wearable-device"
* identifier[wearableDevice].value = "apple:watch6,2:10.1"
* manufacturer = "Apple Inc."
* deviceName.name = "Apple Watch"
* deviceName.type = #model-name
* modelNumber = "Watch6,2"
* version.value = "10.1"
* patient = Reference(example-patient)

Instance: example-pain-severity
InstanceOf: FibroTrackPainSeverity
Usage: #example
Title: "Example pain score: 6 in the lower back, aching, interfering 4/10"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example pain score: 6 in the lower back, aching, interfering 4/10</p></div>"
* status = #final
* category[survey] = $OBSCAT#survey "Survey"
* code = $LNC#72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
* subject = Reference(example-patient)
* effectiveDateTime = "2026-11-30T08:15:00+01:00"
* valueQuantity = 6 $UCUM#{score} "score"
* bodySite = $SCT#37822005 "Lower back structure"
* component[quality].code = $FTOBS#pain-quality
* component[quality].valueCodeableConcept = $FTPQ#aching "Aching"
* component[interference].code = $FTOBS#pain-interference
* component[interference].valueQuantity = 4 $UCUM#{score} "score"

Instance: example-medication
InstanceOf: FibroTrackMedication
Usage: #example
Title: "Example medication: duloxetine 30 mg capsule"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example medication: duloxetine 30 mg capsule</p></div>"
* code.coding[rxnorm] = $RXN#596930 "duloxetine 30 MG Delayed Release Oral Capsule"

Instance: example-medication-statement
InstanceOf: FibroTrackMedicationStatement
Usage: #example
Title: "Example medication statement: duloxetine 30 mg daily, taken"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example medication statement: duloxetine 30 mg daily, taken</p></div>"
* extension[adherence].valueCodeableConcept = $FTADH#taken "Taken"
* status = #active
* medicationCodeableConcept.coding[rxnorm] = $RXN#596930 "duloxetine 30 MG Delayed Release Oral Capsule"
* subject = Reference(example-patient)
* effectivePeriod.start = "2026-09-01"
* dosage.text = "30 mg once daily"
* dosage.timing.repeat.frequency = 1
* dosage.timing.repeat.period = 1
* dosage.timing.repeat.periodUnit = #d
* dosage.doseAndRate.doseQuantity = 1 $UCUM#{capsule} "capsule"
* reasonCode = $SCT#203082005 "Fibromyalgia"

Instance: example-heart-rate
InstanceOf: FibroTrackHeartRate
Usage: #example
Title: "Example heart rate from Fitbit intraday data"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example heart rate from Fitbit intraday data</p></div>"
* identifier[wearableRecord].system = "https://fhir.fibrotrack.org/identifier/wearable-record"
* identifier[wearableRecord].value = "fitbit:heart:2026-11-30T08:00:00"
* status = #final
* category[VSCat] = $OBSCAT#vital-signs
* code.coding[HeartRateCode] = $LNC#8867-4 "Heart rate"
* subject = Reference(example-patient)
* effectiveDateTime = "2026-11-30T08:00:00+01:00"
* valueQuantity = 72 $UCUM#/min "beats/minute"
* device = Reference(example-fitbit-charge)

Instance: example-resting-heart-rate
InstanceOf: FibroTrackRestingHeartRate
Usage: #example
Title: "Example resting heart rate from Fitbit"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example resting heart rate from Fitbit</p></div>"
* identifier[wearableRecord].system = "https://fhir.fibrotrack.org/identifier/wearable-record"
* identifier[wearableRecord].value = "fitbit:resting-heart-rate:2026-11-30"
* status = #final
* category[VSCat] = $OBSCAT#vital-signs
* code = $LNC#40443-4 "Heart rate --resting"
* subject = Reference(example-patient)
* effectivePeriod.start = "2026-11-30T00:00:00+01:00"
* effectivePeriod.end = "2026-11-30T23:59:59+01:00"
* valueQuantity = 61 $UCUM#/min "beats/minute"
* device = Reference(example-fitbit-charge)

Instance: example-hrv
InstanceOf: FibroTrackHrv
Usage: #example
Title: "Example HRV (RMSSD) from Fitbit"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example HRV (RMSSD) from Fitbit</p></div>"
* identifier[wearableRecord].system = "https://fhir.fibrotrack.org/identifier/wearable-record"
* identifier[wearableRecord].value = "fitbit:hrv:2026-11-30"
* status = #final
* category[VSCat] = $OBSCAT#vital-signs
* code = $FTOBS#hrv-rmssd "Heart rate variability, RMSSD"
* subject = Reference(example-patient)
* effectiveDateTime = "2026-11-30T06:30:00+01:00"
* valueQuantity = 34.2 $UCUM#ms "ms"
* device = Reference(example-fitbit-charge)

Instance: example-oxygen-saturation
InstanceOf: FibroTrackOxygenSaturation
Usage: #example
Title: "Example SpO2 from Apple Health (0.97 recorded as 97 %)"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example SpO2 from Apple Health (0.97 recorded as 97 %)</p></div>"
* identifier[wearableRecord].system = "https://fhir.fibrotrack.org/identifier/wearable-record"
* identifier[wearableRecord].value = "apple:2B5D6C8E-1F1A-4C3B-9E7D-0A1B2C3D4E5F"
* status = #final
* category[VSCat] = $OBSCAT#vital-signs
* code.coding[OxygenSatCode] = $LNC#2708-6 "Oxygen saturation in Arterial blood"
* code.coding[PulseOxCode] = $LNC#59408-5 "Oxygen saturation in Arterial blood by Pulse oximetry"
* subject = Reference(example-patient)
* effectiveDateTime = "2026-11-30T03:12:40+01:00"
* valueQuantity = 97 $UCUM#% "%"
* device = Reference(example-apple-watch)

Instance: example-body-weight
InstanceOf: FibroTrackBodyWeight
Usage: #example
Title: "Example body weight from a Fitbit log"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example body weight from a Fitbit log</p></div>"
* identifier[wearableRecord].system = "https://fhir.fibrotrack.org/identifier/wearable-record"
* identifier[wearableRecord].value = "fitbit:weight:1330991999000"
* status = #final
* category[VSCat] = $OBSCAT#vital-signs
* code.coding[BodyWeightCode] = $LNC#29463-7 "Body weight"
* subject = Reference(example-patient)
* effectiveDateTime = "2026-11-30T07:05:00+01:00"
* valueQuantity = 64.3 $UCUM#kg "kg"
* device = Reference(example-fitbit-charge)

Instance: example-steps
InstanceOf: FibroTrackSteps
Usage: #example
Title: "Example steps over one minute of Fitbit intraday data"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example steps over one minute of Fitbit intraday data</p></div>"
* identifier[wearableRecord].system = "https://fhir.fibrotrack.org/identifier/wearable-record"
* identifier[wearableRecord].value = "fitbit:steps:2026-11-30T08:01:00"
* status = #final
* category[activity] = $OBSCAT#activity
* code = $LNC#55423-8 "Number of steps in unspecified time Pedometer"
* subject = Reference(example-patient)
* effectivePeriod.start = "2026-11-30T08:01:00+01:00"
* effectivePeriod.end = "2026-11-30T08:02:00+01:00"
* valueQuantity = 87 $UCUM#{steps} "steps"
* device = Reference(example-fitbit-charge)

Instance: example-daily-steps
InstanceOf: FibroTrackDailySteps
Usage: #example
Title: "Example daily steps from Fitbit"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example daily steps from Fitbit</p></div>"
* identifier[wearableRecord].system = "https://fhir.fibrotrack.org/identifier/wearable-record"
* identifier[wearableRecord].value = "fitbit:steps:2026-11-30"
* status = #final
* category[activity] = $OBSCAT#activity
* code = $LNC#41950-7 "Number of steps in 24 hour Measured"
* subject = Reference(example-patient)
* effectivePeriod.start = "2026-11-30T00:00:00+01:00"
* effectivePeriod.end = "2026-11-30T23:59:59+01:00"
* valueQuantity = 7428 $UCUM#/d "steps/day"
* device = Reference(example-fitbit-charge)

Instance: example-sleep-duration
InstanceOf: FibroTrackSleepDuration
Usage: #example
Title: "Example main sleep from a Fitbit stages log"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example main sleep from a Fitbit stages log</p></div>"
* identifier[wearableRecord].system = "https://fhir.fibrotrack.org/identifier/wearable-record"
* identifier[wearableRecord].value = "fitbit:sleep:26093749421"
* status = #final
* category[activity] = $OBSCAT#activity
* code = $LNC#93832-4 "Sleep duration"
* subject = Reference(example-patient)
* effectivePeriod.start = "2026-11-29T23:10:30+01:00"
* effectivePeriod.end = "2026-11-30T06:52:30+01:00"
* valueQuantity = 412 $UCUM#min "min"
* device = Reference(example-fitbit-charge)
* component[deep].code = $LNC#93831-6 "Deep sleep duration"
* component[deep].valueQuantity = 71 $UCUM#min "min"
* component[light].code = $LNC#93830-8 "Light sleep duration"
* component[light].valueQuantity = 246 $UCUM#min "min"
* component[rem].code = $LNC#93829-0 "REM sleep duration"
* component[rem].valueQuantity = 95 $UCUM#min "min"
* component[awake].code = $FTOBS#sleep-awake "Minutes awake during a sleep episode"
* component[awake].valueQuantity = 50 $UCUM#min "min"

Instance: example-sleep-stage
InstanceOf: FibroTrackSleepStage
Usage: #example
Title: "Example sleep stage from an Apple Health sleep analysis record"
* text.status = #generated
* text.div = "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Example sleep stage from an Apple Health sleep analysis record</p></div>"
* identifier[wearableRecord].system = "https://fhir.fibrotrack.org/identifier/wearable-record"
* identifier[wearableRecord].value = "apple:7C1E0F52-3A9B-4D2E-8F6A-5B4C3D2E1F0A"
* status = #final
* category[activity] = $OBSCAT#activity
* code = $FTOBS#sleep-stage "Sleep stage"
* subject = Reference(example-patient)
* effectivePeriod.start = "2026-11-30T01:20:00+01:00"
* effectivePeriod.end = "2026-11-30T01:48:00+01:00"
* valueCodeableConcept = $FTSLEEP#deep "Deep sleep"
* device = Reference(example-apple-watch)
