// Pain severity: a 0-10 numeric rating (LOINC 72514-3) with its body location and optional quality and interference.

Profile: FibroTrackPainSeverity
Parent: Observation
Id: fibrotrack-pain-severity
Title: "FibroTrack pain severity"
Description: "A patient-reported pain score from 0 (no pain) to 10 (worst imaginable pain), optionally located on one of the 19 Widespread Pain Index regions."
* ^status = #active
* insert CategorySlice(survey, survey)
* code = $LNC#72514-3
* code MS
* subject 1..1 MS
* subject only Reference(Patient)
* effective[x] 1..1 MS
* effective[x] only dateTime or Period
* value[x] 1..1 MS
* value[x] only integer
* valueInteger ^minValueInteger = 0
* valueInteger ^maxValueInteger = 10
* bodySite MS
* bodySite from FibroTrackPainLocation (required)
* component MS
* component ^slicing.discriminator.type = #pattern
* component ^slicing.discriminator.path = "code"
* component ^slicing.rules = #open
* component contains quality 0..* MS and interference 0..1 MS
* component[quality].code = $FTOBS#pain-quality
* component[quality].value[x] 1..1
* component[quality].value[x] only CodeableConcept
* component[quality].valueCodeableConcept from FibroTrackPainQuality (required)
* component[interference].code = $FTOBS#pain-interference
* component[interference].value[x] 1..1
* component[interference].value[x] only integer
* component[interference].valueInteger ^minValueInteger = 0
* component[interference].valueInteger ^maxValueInteger = 10
