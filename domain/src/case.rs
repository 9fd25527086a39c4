//! Enumerations of case records (children, incidents, referrals), shared by validation and taxonomy.

use crate::code_enum;

code_enum!(
    /// A child's recorded sex.
    Sex { Female => "female", Male => "male", Other => "other", Unknown => "unknown" }
);

code_enum!(
    /// Whether a place is urban or rural.
    UrbanRural { Urban => "urban", Rural => "rural", Unknown => "unknown" }
);

code_enum!(
    /// How a complaint reached the system.
    IntakeChannel {
        Helpline1121 => "helpline_1121",
        WalkIn => "walk_in",
        Email => "email",
        OnlineForm => "online_form",
        SchoolComplaintBox => "school_complaint_box",
        Police => "police",
        Cso => "cso",
        Media => "media",
        Other => "other",
    }
);

code_enum!(
    /// The alleged perpetrator's relationship to the child.
    PerpetratorRelationship {
        Parent => "parent",
        Relative => "relative",
        Acquaintance => "acquaintance",
        Neighbour => "neighbour",
        Teacher => "teacher",
        Employer => "employer",
        Stranger => "stranger",
        OnlineContact => "online_contact",
        Other => "other",
        Unknown => "unknown",
    }
);

code_enum!(
    /// Whether the incident was registered with the police (FIR).
    PoliceRegistration { Yes => "yes", No => "no", Unknown => "unknown" }
);

code_enum!(
    /// Assessed risk to the child.
    RiskLevel { Low => "low", Medium => "medium", High => "high", Critical => "critical" }
);

code_enum!(
    /// How urgently a referral needs a response.
    Urgency { Low => "low", Medium => "medium", High => "high", Critical => "critical" }
);

code_enum!(
    /// Where an incident is in its workflow.
    IncidentStatus {
        Open => "open",
        UnderAssessment => "under_assessment",
        Referred => "referred",
        InService => "in_service",
        Closed => "closed",
    }
);

code_enum!(
    /// Where a referral is in its workflow.
    ReferralStatus {
        Pending => "pending",
        Accepted => "accepted",
        Declined => "declined",
        InProgress => "in_progress",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);
