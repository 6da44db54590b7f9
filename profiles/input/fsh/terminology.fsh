// FibroTrack code systems and value sets: what LOINC lacks for wearables, sleep stages, pain locations
// (the 19 regions of the Widespread Pain Index, ACR 2016), pain qualities and medication adherence.

CodeSystem: FibroTrackObservationCodes
Id: fibrotrack-observation
Title: "FibroTrack observation codes"
Description: "Observation and component codes for measures that LOINC does not cover."
* ^url = "https://fhir.fibrotrack.org/CodeSystem/fibrotrack-observation"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* #hrv-rmssd "Heart rate variability, RMSSD" "Root mean square of successive RR-interval differences in ms, as Fitbit reports it (dailyRmssd); LOINC 80404-7 is SDNN, a different statistic."
* #sleep-awake "Minutes awake during a sleep episode" "Time awake in minutes between falling asleep and the end of a sleep episode."
* #sleep-stage "Sleep stage" "The stage (in bed, asleep, awake, light, deep, REM, restless) a person was in over the observation's effectivePeriod."
* #active-minutes "Moderate to vigorous active minutes in a day" "A day's minutes of fairly and very active activity (Fitbit activity levels); beside LOINC 55411-3 Exercise duration."
* #very-active-minutes "Very active minutes" "Minutes of a day at a very active level (Fitbit veryActiveMinutes)."
* #fairly-active-minutes "Fairly active minutes" "Minutes of a day at a fairly active level (Fitbit fairlyActiveMinutes)."
* #lightly-active-minutes "Lightly active minutes" "Minutes of a day at a lightly active level (Fitbit lightlyActiveMinutes)."
* #sedentary-minutes "Sedentary minutes" "Minutes of a day spent sedentary (Fitbit sedentaryMinutes)."
* #breathing-rate-deep-sleep "Breathing rate in deep sleep" "Breaths per minute during the deep sleep of a night (Fitbit deepSleepSummary)."
* #breathing-rate-light-sleep "Breathing rate in light sleep" "Breaths per minute during the light sleep of a night (Fitbit lightSleepSummary)."
* #breathing-rate-rem-sleep "Breathing rate in REM sleep" "Breaths per minute during the REM sleep of a night (Fitbit remSleepSummary)."
* #exercise-distance "Distance covered in the exercise" "Distance of one exercise session (Fitbit activity distance, Apple totalDistance)."
* #oxygen-saturation-min "Lowest oxygen saturation of the period" "The lowest SpO2 reading of the period, in percent (Fitbit value.min)."
* #oxygen-saturation-max "Highest oxygen saturation of the period" "The highest SpO2 reading of the period, in percent (Fitbit value.max)."
* #sleep-restless "Minutes restless during a sleep episode" "Time restless in minutes during a classic Fitbit sleep log."
* #sleep-asleep "Minutes asleep (classic sleep log)" "Time asleep in minutes in a classic Fitbit sleep log, stage unknown."
* #pain-quality "Pain quality" "How the pain feels (aching, burning, ...), as the patient describes it."
* #pain-interference "Pain interference" "How much pain interfered with daily activities, 0 (not at all) to 10 (completely)."

CodeSystem: FibroTrackSleepStageCodes
Id: fibrotrack-sleep-stage
Title: "FibroTrack sleep stages"
Description: "Sleep stages reported by Fitbit (stages and classic logs) and Apple Health (HKCategoryValueSleepAnalysis)."
* ^url = "https://fhir.fibrotrack.org/CodeSystem/fibrotrack-sleep-stage"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* #in-bed "In bed" "In bed, asleep or not (Apple InBed)."
* #asleep "Asleep" "Asleep, stage unknown (Apple Asleep/AsleepUnspecified, Fitbit classic asleep)."
* #awake "Awake" "Awake during a sleep episode (Apple Awake, Fitbit wake/awake)."
* #light "Light sleep" "Light or core sleep (Fitbit light, Apple AsleepCore)."
* #deep "Deep sleep" "Deep sleep (Fitbit deep, Apple AsleepDeep)."
* #rem "REM sleep" "Rapid eye movement sleep (Fitbit rem, Apple AsleepREM)."
* #restless "Restless" "Restless sleep (Fitbit classic restless)."

CodeSystem: FibroTrackPainQualityCodes
Id: fibrotrack-pain-quality
Title: "FibroTrack pain qualities"
Description: "Words patients use for how their pain feels."
* ^url = "https://fhir.fibrotrack.org/CodeSystem/fibrotrack-pain-quality"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* #aching "Aching"
* #burning "Burning"
* #cramping "Cramping"
* #shooting "Shooting"
* #stabbing "Stabbing"
* #throbbing "Throbbing"
* #tingling "Tingling"
* #tender "Tender"
* #stiff "Stiff"

CodeSystem: FibroTrackAdherenceCodes
Id: fibrotrack-adherence
Title: "FibroTrack medication adherence"
Description: "Whether a dose of a medication was taken."
* ^url = "https://fhir.fibrotrack.org/CodeSystem/fibrotrack-adherence"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
* #taken "Taken" "The medication was taken as stated."
* #not-taken "Not taken" "The medication was not taken."

ValueSet: FibroTrackSleepStageVS
Id: fibrotrack-sleep-stage
Title: "FibroTrack sleep stages"
Description: "All FibroTrack sleep stages."
* ^url = "https://fhir.fibrotrack.org/ValueSet/fibrotrack-sleep-stage"
* ^status = #active
* include codes from system $FTSLEEP

ValueSet: FibroTrackPainQuality
Id: fibrotrack-pain-quality
Title: "FibroTrack pain qualities"
Description: "All FibroTrack pain qualities."
* ^url = "https://fhir.fibrotrack.org/ValueSet/fibrotrack-pain-quality"
* ^status = #active
* include codes from system $FTPQ

ValueSet: FibroTrackAdherenceVS
Id: fibrotrack-adherence
Title: "FibroTrack medication adherence"
Description: "Taken or not taken."
* ^url = "https://fhir.fibrotrack.org/ValueSet/fibrotrack-adherence"
* ^status = #active
* include codes from system $FTADH

ValueSet: FibroTrackHrvCode
Id: fibrotrack-hrv-code
Title: "FibroTrack HRV codes"
Description: "Heart rate variability as SDNN (LOINC 80404-7, Apple Health) or RMSSD (FibroTrack hrv-rmssd, Fitbit)."
* ^url = "https://fhir.fibrotrack.org/ValueSet/fibrotrack-hrv-code"
* ^status = #active
* $LNC#80404-7 "R-R interval.standard deviation (Heart rate variability)"
* $FTOBS#hrv-rmssd "Heart rate variability, RMSSD"

// The 19 WPI regions. SNOMED CT has no pre-coordinated left/right jaw region concept, so the jaws are
// post-coordinated expressions: 661005 |Jaw region structure| with 272741003 |Laterality| = left/right.
// The upper back is the back of the thorax: 76052000 |Structure of posterior chest wall|.
ValueSet: FibroTrackPainLocation
Id: fibrotrack-pain-location
Title: "FibroTrack pain locations (Widespread Pain Index regions)"
Description: "The 19 body regions of the Widespread Pain Index (ACR 2010/2016 fibromyalgia criteria) as SNOMED CT body structures."
* ^url = "https://fhir.fibrotrack.org/ValueSet/fibrotrack-pain-location"
* ^status = #active
* $SCT#91775009 "Structure of left shoulder region"
* $SCT#91774008 "Structure of right shoulder region"
* $SCT#368208006 "Left upper arm structure"
* $SCT#368209003 "Right upper arm structure"
* $SCT#66480008 "Structure of left forearm"
* $SCT#64262003 "Structure of right forearm"
* $SCT#287679003 "Left hip region structure"
* $SCT#287579007 "Right hip region structure"
* $SCT#61396006 "Structure of left thigh"
* $SCT#11207009 "Structure of right thigh"
* $SCT#48979004 "Structure of left lower leg"
* $SCT#32696007 "Structure of right lower leg"
* $SCT#"661005:272741003=7771000" "Left jaw region"
* $SCT#"661005:272741003=24028007" "Right jaw region"
* $SCT#51185008 "Thoracic structure"
* $SCT#113345001 "Abdominal structure"
* $SCT#76052000 "Structure of posterior chest wall"
* $SCT#37822005 "Lower back structure"
* $SCT#45048000 "Neck structure"
