// Wearable activity: steps over an interval and per day, sleep duration with its stages, and sleep-stage episodes.

Profile: FibroTrackSteps
Parent: Observation
Id: fibrotrack-steps
Title: "FibroTrack steps"
Description: "Steps counted over an interval (LOINC 55423-8, {steps}), e.g. one minute of intraday data or one Apple Health record."
* ^status = #active
* insert CategorySlice(activity, activity)
* code = $LNC#55423-8
* code MS
* insert WearableObservation
* insert IntervalEffective
* value[x] 1..1 MS
* value[x] only Quantity
* valueQuantity.value 1..1
* valueQuantity.system 1..1
* valueQuantity.system = $UCUM (exactly)
* valueQuantity.code 1..1
* valueQuantity.code = #{steps} (exactly)

// A local day: from local midnight to 23:59:59 of the same date, in the offsets that applied (they differ across a
// DST change), so that a day's total never lands on the neighbouring UTC day. Period.end includes everything that
// matches it at its precision, so 23:59:59 covers the day's last second and nothing of the next day.
Invariant: ft-day-1
Description: "effectivePeriod is one local day: start at 00:00:00 and end at 23:59:59 of the same date, each with its UTC offset."
Expression: "iif(effective.start.toString().substring(10, 9) = 'T00:00:00' and effective.end.toString().substring(10, 9) = 'T23:59:59' and effective.start.toString().substring(0, 10) = effective.end.toString().substring(0, 10) and effective.start.toString().length() > 19 and effective.end.toString().length() > 19, true, false)"
Severity: #error

Profile: FibroTrackDailySteps
Parent: Observation
Id: fibrotrack-daily-steps
Title: "FibroTrack daily steps"
Description: "Steps per day (LOINC 41950-7, /d); effectivePeriod is the local day, from 00:00:00 to 23:59:59 with their UTC offsets."
* ^status = #active
* insert CategorySlice(activity, activity)
* code = $LNC#41950-7
* code MS
* insert WearableObservation
* insert IntervalEffective
* obeys ft-day-1
* insert UcumValue(/d)

Profile: FibroTrackSleepDuration
Parent: Observation
Id: fibrotrack-sleep-duration
Title: "FibroTrack sleep duration"
Description: "One sleep episode (LOINC 93832-4) in minutes asleep, over effectivePeriod from falling asleep (or going to bed) to waking, with minutes per stage as components."
* ^status = #active
* insert CategorySlice(activity, activity)
* code = $LNC#93832-4
* code MS
* insert WearableObservation
* insert IntervalEffective
* insert UcumValue(min)
* component MS
* component ^slicing.discriminator.type = #pattern
* component ^slicing.discriminator.path = "code"
* component ^slicing.rules = #open
* component contains deep 0..1 MS and light 0..1 MS and rem 0..1 MS and awake 0..1 MS
* component[deep].code = $LNC#93831-6
* insert ComponentMinutes(deep)
* component[light].code = $LNC#93830-8
* insert ComponentMinutes(light)
* component[rem].code = $LNC#93829-0
* insert ComponentMinutes(rem)
* component[awake].code = $FTOBS#sleep-awake
* insert ComponentMinutes(awake)

RuleSet: ComponentMinutes(slice)
* component[{slice}].value[x] 1..1
* component[{slice}].value[x] only Quantity
* component[{slice}].valueQuantity.value 1..1
* component[{slice}].valueQuantity.system 1..1
* component[{slice}].valueQuantity.system = $UCUM (exactly)
* component[{slice}].valueQuantity.code 1..1
* component[{slice}].valueQuantity.code = #min (exactly)

Profile: FibroTrackSleepStage
Parent: Observation
Id: fibrotrack-sleep-stage
Title: "FibroTrack sleep stage"
Description: "The sleep stage a person was in over effectivePeriod (one Fitbit levels.data entry or one Apple Health sleep analysis record)."
* ^status = #active
* insert CategorySlice(activity, activity)
* code = $FTOBS#sleep-stage
* code MS
* insert WearableObservation
* insert IntervalEffective
* value[x] 1..1 MS
* value[x] only CodeableConcept
* valueCodeableConcept from FibroTrackSleepStageVS (required)
