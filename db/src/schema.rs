//! Diesel table definitions, identical for PostgreSQL and SQLite.

diesel::table! {
    agencies (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        province -> Text,
        district -> Nullable<Text>,
        services -> Text,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        address -> Nullable<Text>,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        agency_id -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    children (id) {
        id -> Text,
        agency_id -> Text,
        external_id -> Nullable<Text>,
        given_name -> Nullable<Text>,
        family_name -> Nullable<Text>,
        sex -> Text,
        date_of_birth -> Nullable<Text>,
        estimated_age_years -> Nullable<Integer>,
        age_is_estimated -> Bool,
        identifier -> Nullable<Text>,
        province -> Text,
        district -> Nullable<Text>,
        urban_rural -> Text,
        disability -> Bool,
        guardian_name -> Nullable<Text>,
        guardian_phone -> Nullable<Text>,
        languages -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<Text>,
        deleted_at -> Nullable<Timestamp>,
        name_index -> Nullable<Text>,
        identifier_index -> Nullable<Text>,
        anonymised_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    incidents (id) {
        id -> Text,
        agency_id -> Text,
        external_id -> Nullable<Text>,
        child_id -> Text,
        category -> Text,
        subcategory -> Nullable<Text>,
        legal_references -> Text,
        occurred_on -> Text,
        reported_on -> Text,
        intake_channel -> Text,
        province -> Text,
        district -> Nullable<Text>,
        urban_rural -> Text,
        perpetrator_relationship -> Text,
        registered_with_police -> Text,
        risk_level -> Text,
        narrative -> Nullable<Text>,
        status -> Text,
        closure_reason -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<Text>,
        deleted_at -> Nullable<Timestamp>,
        anonymised_at -> Nullable<Timestamp>,
        age_at_occurrence -> Nullable<Integer>,
        complaint_id -> Nullable<Text>,
    }
}

diesel::table! {
    complaints (id) {
        id -> Text,
        agency_id -> Text,
        external_id -> Nullable<Text>,
        reference -> Text,
        tracking_hash -> Nullable<Text>,
        received_at -> Timestamp,
        channel -> Text,
        complainant_type -> Text,
        complainant_name -> Nullable<Text>,
        complainant_phone -> Nullable<Text>,
        contact_consent -> Bool,
        preferred_language -> Nullable<Text>,
        child_name -> Nullable<Text>,
        child_age_years -> Nullable<Integer>,
        child_sex -> Nullable<Text>,
        province -> Text,
        district -> Nullable<Text>,
        location_detail -> Nullable<Text>,
        category -> Text,
        subcategory -> Nullable<Text>,
        narrative -> Nullable<Text>,
        immediate_danger -> Bool,
        urgency -> Nullable<Text>,
        assigned_agency_id -> Nullable<Text>,
        incident_id -> Nullable<Text>,
        duplicate_of -> Nullable<Text>,
        closure_reason -> Nullable<Text>,
        public_message -> Nullable<Text>,
        filed_publicly -> Bool,
        status -> Text,
        triaged_at -> Nullable<Timestamp>,
        accepted_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<Text>,
        deleted_at -> Nullable<Timestamp>,
        anonymised_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    referrals (id) {
        id -> Text,
        agency_id -> Text,
        external_id -> Nullable<Text>,
        incident_id -> Text,
        child_id -> Text,
        to_agency_id -> Text,
        service -> Text,
        urgency -> Text,
        reason -> Text,
        due_by -> Nullable<Text>,
        status -> Text,
        province -> Text,
        first_response_at -> Nullable<Timestamp>,
        completed_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        created_by -> Nullable<Text>,
        deleted_at -> Nullable<Timestamp>,
        anonymised_at -> Nullable<Timestamp>,
        share_narrative -> Bool,
    }
}

diesel::table! {
    status_transitions (id) {
        id -> Text,
        record_type -> Text,
        record_id -> Text,
        from_status -> Text,
        to_status -> Text,
        note -> Nullable<Text>,
        closure_reason -> Nullable<Text>,
        actor_user_id -> Text,
        actor_agency_id -> Text,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    record_history (id) {
        id -> Text,
        record_type -> Text,
        record_id -> Text,
        version -> BigInt,
        field -> Text,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
        changed_by -> Text,
        changed_by_agency_id -> Text,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        occurred_at -> Text,
        actor_user_id -> Nullable<Text>,
        actor_agency_id -> Nullable<Text>,
        action -> Text,
        record_type -> Nullable<Text>,
        record_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        detail -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_chain_head (id) {
        id -> Integer,
        last_seq -> BigInt,
        last_hash -> Text,
    }
}

diesel::table! {
    change_feed (seq) {
        seq -> BigInt,
        record_type -> Text,
        record_id -> Text,
        version -> BigInt,
        change -> Text,
        audience -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    change_feed_head (id) {
        id -> Integer,
        last_seq -> BigInt,
    }
}

diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(incidents -> children (child_id));
diesel::joinable!(referrals -> incidents (incident_id));
diesel::table! {
    audit_inbox (id) {
        id -> BigInt,
        occurred_at -> Text,
        actor_user_id -> Nullable<Text>,
        actor_agency_id -> Nullable<Text>,
        action -> Text,
        record_type -> Nullable<Text>,
        record_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    change_inbox (id) {
        id -> BigInt,
        record_type -> Text,
        record_id -> Text,
        version -> BigInt,
        change -> Text,
        audience -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    milestones (id) {
        id -> Text,
        incident_id -> Text,
        milestone_type -> Text,
        at -> Timestamp,
        note -> Nullable<Text>,
        recorded_by -> Text,
        recorded_by_agency_id -> Text,
        recorded_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<Text>,
        withdrawal_reason -> Nullable<Text>,
    }
}

diesel::table! {
    deadlines (id) {
        id -> Text,
        record_type -> Text,
        record_id -> Text,
        rule -> Text,
        agency_id -> Text,
        province -> Text,
        district -> Nullable<Text>,
        started_at -> Timestamp,
        due_at -> Nullable<Timestamp>,
        soon_at -> Nullable<Timestamp>,
        met_at -> Nullable<Timestamp>,
        due_soon_alert -> Nullable<Text>,
        overdue_alert -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    users,
    children,
    incidents,
    referrals,
    status_transitions,
    record_history,
    audit_log,
    audit_chain_head,
    change_feed,
    change_feed_head,
    audit_inbox,
    change_inbox,
    milestones,
    deadlines,
    complaints,
);
