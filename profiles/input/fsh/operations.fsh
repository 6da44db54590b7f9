// The FibroTrack operation and search parameters that the profiles need.

Instance: import-wearable
InstanceOf: OperationDefinition
Usage: #definition
Title: "Import wearable data"
* url = "https://fhir.fibrotrack.org/OperationDefinition/import-wearable"
* version = "0.1.0"
* name = "ImportWearable"
* title = "Import wearable data"
* status = #active
* kind = #operation
* description = "Imports a wearable export for one patient (POST Patient/[id]/$import-wearable). The request body is the file itself (Fitbit Web API JSON, Apple Health export.xml or export.zip, Google Fit JSON) or a Parameters resource carrying it as `file` with the options below. Every record becomes an Observation conforming to a FibroTrack wearable profile, with a Device for its source; records already imported (same wearable-record identifier and content) are left unchanged, so the operation can be retried safely."
* affectsState = true
* code = #import-wearable
* resource = #Patient
* system = false
* type = false
* instance = true
* parameter[0].name = #file
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "1"
* parameter[=].documentation = "The wearable file when the body is a Parameters resource: base64 content with its contentType (application/json, application/xml, application/zip)."
* parameter[=].type = #Attachment
* parameter[+].name = #timeZone
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "1"
* parameter[=].documentation = "IANA time zone (e.g. Europe/Berlin) of the device-local times in the file (Fitbit). Also given as the query parameter timeZone."
* parameter[=].type = #string
* parameter[+].name = #utcOffset
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "1"
* parameter[=].documentation = "Fixed UTC offset (+01:00) of the device-local times, when no time zone is known. Also given as the query parameter utcOffset."
* parameter[=].type = #string
* parameter[+].name = #bestEffort
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "1"
* parameter[=].documentation = "true: import the records that map and skip the others (counted by reason); false (default): reject the whole file if any record cannot be mapped, creating nothing."
* parameter[=].type = #boolean
* parameter[+].name = #return
* parameter[=].use = #out
* parameter[=].min = 1
* parameter[=].max = "1"
* parameter[=].documentation = "The summary, a Parameters resource: source (the detected format), fileName, created, unchanged and skipped (totals), one resourceType part per type (type, created, unchanged) and one skippedReason part per reason (reason, count, firstPosition); or an OperationOutcome naming the file and position when the import failed."
* parameter[=].type = #Resource

Instance: connect-fitbit
InstanceOf: OperationDefinition
Usage: #definition
Title: "Connect a Fitbit account"
* url = "https://fhir.fibrotrack.org/OperationDefinition/connect-fitbit"
* version = "0.1.0"
* name = "ConnectFitbit"
* title = "Connect a Fitbit account"
* status = #active
* kind = #operation
* description = "Starts linking a patient's Fitbit account (POST Patient/[id]/$connect-fitbit): answers the Fitbit authorization URL (OAuth 2 authorization code with PKCE and a single-use state) to open in the patient's browser. Fitbit redirects back to the server's /wearables/fitbit/callback, which stores the tokens encrypted; $sync-fitbit then pulls the data."
* affectsState = true
* code = #connect-fitbit
* resource = #Patient
* system = false
* type = false
* instance = true
* parameter[0].name = #timeZone
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "1"
* parameter[=].documentation = "IANA time zone of the patient's Fitbit (its times are device-local), remembered for every later sync. Given as the query parameter timeZone."
* parameter[=].type = #string
* parameter[+].name = #authorizeUrl
* parameter[=].use = #out
* parameter[=].min = 1
* parameter[=].max = "1"
* parameter[=].documentation = "The Fitbit authorization URL to open."
* parameter[=].type = #uri

Instance: disconnect-fitbit
InstanceOf: OperationDefinition
Usage: #definition
Title: "Disconnect a Fitbit account"
* url = "https://fhir.fibrotrack.org/OperationDefinition/disconnect-fitbit"
* version = "0.1.0"
* name = "DisconnectFitbit"
* title = "Disconnect a Fitbit account"
* status = #active
* kind = #operation
* description = "Unlinks a patient's Fitbit account (POST Patient/[id]/$disconnect-fitbit): deletes the link, its stored tokens and its sync cursors, then revokes the tokens at Fitbit (best effort: a failed revocation is a warning in the answer and never keeps the link). Audited like linking. Observations already synced stay. 404 when no Fitbit account is linked."
* affectsState = true
* code = #disconnect-fitbit
* resource = #Patient
* system = false
* type = false
* instance = true
* parameter[0].name = #return
* parameter[=].use = #out
* parameter[=].min = 1
* parameter[=].max = "1"
* parameter[=].documentation = "An OperationOutcome: information naming the Fitbit account unlinked, plus a warning when Fitbit did not confirm the revocation."
* parameter[=].type = #OperationOutcome

Instance: sync-fitbit
InstanceOf: OperationDefinition
Usage: #definition
Title: "Sync Fitbit data"
* url = "https://fhir.fibrotrack.org/OperationDefinition/sync-fitbit"
* version = "0.1.0"
* name = "SyncFitbit"
* title = "Sync Fitbit data"
* status = #active
* kind = #operation
* description = "Pulls a connected patient's Fitbit data incrementally (POST Patient/[id]/$sync-fitbit): for each data type the days after the last one synced, up to yesterday in the patient's zone, within Fitbit's 150 requests per hour (a 429 with Retry-After is waited out when short and remembered when long). Records become FibroTrack wearable Observations exactly as $import-wearable makes them, so a day synced twice creates nothing."
* affectsState = true
* code = #sync-fitbit
* resource = #Patient
* system = false
* type = false
* instance = true
* parameter[0].name = #timeZone
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "1"
* parameter[=].documentation = "IANA time zone of the patient's Fitbit; needed on the first sync unless given to $connect-fitbit. Given as the query parameter timeZone."
* parameter[=].type = #string
* parameter[+].name = #until
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "1"
* parameter[=].documentation = "Last day to sync (yyyy-MM-dd, before today); default yesterday in the patient's zone. Given as the query parameter until."
* parameter[=].type = #date
* parameter[+].name = #return
* parameter[=].use = #out
* parameter[=].min = 1
* parameter[=].max = "1"
* parameter[=].documentation = "The import summary (as for $import-wearable) plus complete (whether every type reached the last day), requests (Fitbit requests made), resumeAfter and reason (when the rate limit stopped it) and one syncedThrough part per data type (type, day)."
* parameter[=].type = #Parameters

Instance: Observation-body-site
InstanceOf: SearchParameter
Usage: #definition
Title: "Observation body site"
* url = "https://fhir.fibrotrack.org/SearchParameter/Observation-body-site"
* version = "0.1.0"
* name = "body-site"
* status = #active
* description = "The body site of an Observation (a pain location of the FibroTrack pain severity profile). R4 defines no body-site search on Observation."
* code = #body-site
* base = #Observation
* type = #token
* expression = "Observation.bodySite"
* xpath = "f:Observation/f:bodySite"
* xpathUsage = #normal

Instance: MedicationStatement-adherence
InstanceOf: SearchParameter
Usage: #definition
Title: "MedicationStatement adherence"
* url = "https://fhir.fibrotrack.org/SearchParameter/MedicationStatement-adherence"
* version = "0.1.0"
* name = "adherence"
* status = #active
* description = "Whether the medication was taken: the FibroTrack adherence extension."
* code = #adherence
* base = #MedicationStatement
* type = #token
* expression = "MedicationStatement.extension('https://fhir.fibrotrack.org/StructureDefinition/fibrotrack-adherence').value"
* xpath = "f:MedicationStatement/f:extension[@url='https://fhir.fibrotrack.org/StructureDefinition/fibrotrack-adherence']/f:valueCodeableConcept"
* xpathUsage = #normal

Instance: reindex
InstanceOf: OperationDefinition
Usage: #definition
Title: "Rebuild search index rows"
* url = "https://fhir.fibrotrack.org/OperationDefinition/reindex"
* version = "0.1.0"
* name = "Reindex"
* title = "Rebuild search index rows"
* status = #active
* kind = #operation
* description = "Rebuilds the search index rows of every resource of a type as an asynchronous job stored in the database (POST [base]/[type]/$reindex, or POST [base]/$reindex with type parameters: one job per type, none: every stored type), like HAPI FHIR's $reindex. Answers 202 with the job's status URL (GET [base]/$reindex/[job]: a Parameters with id, type, state queued/running/done/failed/superseded, reason, total, processed, created, finished, error). Creating, changing or deleting a SearchParameter starts the same job by itself; searches with a parameter whose job is not done are refused with 400 incomplete. Needs a system/ scope with u on SearchParameter."
* affectsState = true
* code = #reindex
* system = true
* type = true
* instance = false
* parameter[0].name = #type
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "*"
* parameter[=].documentation = "At system level: a resource type to reindex (valueCode, or the query parameter type=A,B). None: every type that holds resources. Not allowed at type level."
* parameter[=].type = #code
* parameter[+].name = #job
* parameter[=].use = #out
* parameter[=].min = 1
* parameter[=].max = "*"
* parameter[=].documentation = "One per type: the type, the job id and its status URL."
* parameter[=].type = #string

Instance: Observation-stats
InstanceOf: OperationDefinition
Usage: #definition
Title: "Observation statistics"
* url = "https://fhir.fibrotrack.org/OperationDefinition/Observation-stats"
* version = "0.1.0"
* name = "ObservationStats"
* title = "Observation statistics"
* status = #active
* kind = #operation
* description = "R4's Observation/$stats (GET or POST [base]/Observation/$stats) with FibroTrack's bucket parameter: statistics of a subject's quantity values per code (Observation.code and Observation.component.code; a panel's code gives each component by its own code), and per unit, computed by the database over the search index. Supported statistics: average, maximum (max), minimum (min), count, total-count, sum, median, std-dev and variance (sample), 20-percent, 80-percent, 4-lower, 4-upper, 4-dev, 5-1 to 5-4 (percentiles by linear interpolation between closest ranks); skew, kurtosis and regression are refused with 400. In a query string, period is written start/end. A patient/ token may ask only about its own patient."
* base = "http://hl7.org/fhir/OperationDefinition/Observation-stats"
* affectsState = false
* code = #stats
* resource = #Observation
* system = false
* type = true
* instance = false
* parameter[0].name = #subject
* parameter[=].use = #in
* parameter[=].min = 1
* parameter[=].max = "1"
* parameter[=].documentation = "The subject of the Observations, a reference on this server (Patient/123)."
* parameter[=].type = #uri
* parameter[+].name = #code
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "*"
* parameter[=].documentation = "A code to aggregate, in the system of the system parameter (any system without it). At least one code or coding is needed."
* parameter[=].type = #string
* parameter[+].name = #system
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "1"
* parameter[=].documentation = "The system of the codes."
* parameter[=].type = #uri
* parameter[+].name = #coding
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "*"
* parameter[=].documentation = "A code to aggregate, as a Coding (POST)."
* parameter[=].type = #Coding
* parameter[+].name = #duration
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "1"
* parameter[=].documentation = "The last this many hours (not with period)."
* parameter[=].type = #decimal
* parameter[+].name = #period
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "1"
* parameter[=].documentation = "The period whose Observations (by effective date, as the date search parameter reads it, both ends inclusive) are aggregated; in a query string start/end, either side may be empty. Neither period nor duration: all time."
* parameter[=].type = #Period
* parameter[+].name = #statistic
* parameter[=].use = #in
* parameter[=].min = 1
* parameter[=].max = "*"
* parameter[=].documentation = "A code of http://terminology.hl7.org/CodeSystem/observation-statistics (several may be separated by commas)."
* parameter[=].type = #code
* parameter[+].name = #include
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "1"
* parameter[=].documentation = "true: also return the source Observations, newest first, up to limit."
* parameter[=].type = #boolean
* parameter[+].name = #limit
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "1"
* parameter[=].documentation = "Most source Observations returned with include (1 to 1000, default 100)."
* parameter[=].type = #positiveInt
* parameter[+].name = #bucket
* parameter[=].use = #in
* parameter[=].min = 0
* parameter[=].max = "1"
* parameter[=].documentation = "FibroTrack: day gives one statistics Observation per code, unit and UTC calendar day that has values (effectivePeriod that day), e.g. a year of daily mean and maximum in one call. Observations without an effective date are left out."
* parameter[=].type = #code
* parameter[+].name = #statistics
* parameter[=].use = #out
* parameter[=].min = 1
* parameter[=].max = "*"
* parameter[=].documentation = "One Observation per code and unit (and day with bucket): status final, the code, subject, effectivePeriod (the period asked, or the first and last effective date of the values), one component per statistic asked, its code the statistic: valueQuantity in the values' unit (variance without a unit), valueInteger for count and total-count, dataAbsentReason when there is no value."
* parameter[=].type = #Observation
* parameter[+].name = #source
* parameter[=].use = #out
* parameter[=].min = 0
* parameter[=].max = "*"
* parameter[=].documentation = "With include: the source Observations."
* parameter[=].type = #Observation
