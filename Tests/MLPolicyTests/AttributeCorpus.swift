/// Labelled feature names, as teams write them, for measuring the attribute matcher.
/// Protected names state a protected attribute; proxy names can reveal one; benign
/// names are neither, and many are chosen to look like one (`trace_id`, `page_views`).
enum AttributeCorpus {
  static let protected: [String] = [
    "race", "Race", "applicant_race", "raceCode", "race_cd", "borrower-race", "RACE_ETHNICITY", "racial_group",
    "co_applicant_race_1", "ethnicity", "applicantEthnicity", "is_hispanic", "hispanic_or_latino", "ethnic_origin",
    "ethnic_group_code", "skin_color", "skinTone", "complexion_type", "national_origin", "nationality",
    "NationalityCode", "country_of_birth", "birth_country", "birthplace", "place_of_birth", "religion",
    "religiousAffiliation", "religion_code", "is_muslim", "is_christian", "jewish_flag", "catholic", "sex", "Sex",
    "applicant_sex", "gender", "Gender", "genderCode", "gender_cd", "is_female", "isMale", "female",
    "male_flag", "womenOwnedBusiness", "sex_at_birth", "gender_identity", "is_transgender", "nonbinary",
    "preferred_pronouns", "sexual_orientation", "sexualOrientation", "is_gay", "lgbtq_flag", "sexuality",
    "age", "Age", "applicant_age", "ageYears", "age_bucket", "age_in_months", "customer_age_group", "dob",
    "DOB", "date_of_birth", "dateOfBirth", "birthdate", "birth_date", "years_old", "is_elderly",
    "marital_status", "maritalStatus", "is_married", "married", "spouse_income", "divorced_flag", "widowed",
    "is_pregnant", "pregnancy_status", "maternity_flag", "disability", "disability_status", "is_disabled",
    "hasDisability", "handicapped", "genetic_test_result", "genome_risk_score", "dna_marker", "health_condition",
    "medical_history", "diagnosis_code", "mental_health_flag", "hiv_status", "political_party",
    "politicalAffiliation", "union_member", "trade_union_membership", "is_unionized", "fingerprint_hash",
    "face_embedding", "voiceprint_id", "veteran_status", "is_veteran", "military_service_years",
    "citizenship", "citizenship_status", "is_us_citizen", "immigration_status", "visa_status",
    "green_card_holder", "is_refugee", "permanent_resident",
    // Abbreviated and glued forms, written after the lists to see what they miss.
    "gndr", "ethn_cd", "relig", "dt_of_birth", "birth_dt", "marital_stat", "sexo", "applicantrace",
    "agegroup", "CustAge", "mstatus", "vet_flag",
  ]

  static let proxies: [String] = [
    "zip", "zip_code", "zipCode", "zip5", "zipcode3", "postal_code", "postcode", "census_tract",
    "census_block_group", "tract_fips", "county_fips", "neighborhood_id", "home_address_lat",
    "latitude", "longitude", "geohash6", "school_district", "surname", "last_name", "lastName",
    "family_name", "maiden_name", "first_name", "firstName", "given_name", "forename", "salutation",
    "birth_year", "yearOfBirth", "birth_month", "birthday", "graduation_year", "is_retired",
    "preferred_language", "preferredLanguage", "native_language", "mother_tongue", "first_language",
    "language_preference", "country_of_origin", "church_member", "mosque_distance", "kosher_meal",
    "number_of_dependents", "household_size", "bmi", "prescription_count", "hospital_visits",
    "voting_district", "itin_holder", "selfie_score",
    // Abbreviated and glued forms, written after the lists to see what they miss.
    "yob", "zipcd", "lname", "fname", "cbsa_code", "msa_code", "lang_pref",
  ]

  static let benign: [String] = [
    "page_views", "pageViews", "average_balance", "avgBalance", "trace_id", "traceId", "screen_orientation",
    "credit_union_account", "credit_union_member", "order_status", "status", "account_status", "income",
    "annual_income", "debt_ratio", "debt_to_income", "loan_amount", "loan_term", "interest_rate",
    "credit_score", "fico", "num_open_accounts", "delinquencies", "months_since_last_delinquency",
    "utilization", "tenure_months", "account_age", "account_age_days", "mortgage_age", "loan_age_months",
    "vehicle_age", "oldest_tradeline_age", "session_age", "cookie_age_sec", "max_age", "usage", "usage_minutes",
    "storage_used", "mileage", "percentage", "message_count", "image_height", "language_model_score",
    "programming_language", "origin_airport", "traffic_origin", "national_average", "nationalRank",
    "international_wire", "race_condition_count", "terrace", "embrace_score", "sussex_branch", "sextant",
    "essex", "middlesex", "unionpay_txn", "union_all_count", "european_union_vat", "male_connector",
    "device_fingerprint", "browser_fingerprint", "feature_disabled", "account_disabled", "account_health",
    "system_health_score", "health_check_latency", "visa_card_spend", "zip_file_size", "generation_id",
    "lead_generation_source", "citizen_developer", "marriott_points", "aged_receivables", "agent_id",
    "agency_code", "wage", "stage", "damage_claims", "package_weight", "voltage", "manager_id",
    "mandate", "email_domain", "phone_type", "device_os", "browser", "click_through_rate", "time_on_site",
    "cart_value", "basket_size", "num_sessions", "days_since_signup", "last_login", "referral_source",
    "campaign_id", "product_category", "store_id", "region_code", "temperature", "humidity",
    "transaction_amount", "merchant_category", "is_weekend", "hour_of_day", "day_of_week",
    "feature_flags", "bonuses", "statuses", "classes", "analysis_score",
    "vet_clinic_visits", "birth_weight_grams", "marathon_race_time", "gender_neutral_pricing",
  ]
}
