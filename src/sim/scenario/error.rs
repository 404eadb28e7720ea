//! What can be wrong with a scenario file, and where: every message starts
//! with `file:line:column`, the document and object, then the field path.

use std::fmt;

use super::{API_VERSION, SUPPORTED_KINDS};

/// Where in a scenario file something is: the file, the line and column
/// (1-based, once located), the 1-based document index, and the object
/// when known (`StatefulSet mysql`, `Scenario mysql`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub source_name: String,
    pub line: Option<(usize, usize)>,
    pub document: usize,
    pub object: Option<String>,
}

impl Location {
    pub(super) fn new(source_name: &str, document: usize) -> Self {
        Location {
            source_name: source_name.to_string(),
            line: None,
            document,
            object: None,
        }
    }

    pub(super) fn with_object(&self, object: String) -> Self {
        Location {
            object: Some(object),
            ..self.clone()
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source_name)?;
        if let Some((line, column)) = self.line {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": document {}", self.document)?;
        if let Some(object) = &self.object {
            write!(f, " ({object})")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{at}: invalid YAML: {message}")]
    Yaml { at: Box<Location>, message: String },

    #[error(
        "{at}: expected a mapping (a Kubernetes object or the Scenario document), found {found}"
    )]
    NotAMapping { at: Box<Location>, found: String },

    #[error("{at}: missing required field `{field}`")]
    MissingField { at: Box<Location>, field: String },

    /// A field of the wrong type or value, an unknown field, or a rule
    /// broken; `field` is the path (`spec.timeline[3].at`), empty for the
    /// whole document.
    #[error("{at}: `{field}`: {message}")]
    InvalidField {
        at: Box<Location>,
        field: String,
        message: String,
    },

    #[error("{at}: unsupported kind `{kind}` (supported: {})", supported_kinds())]
    UnknownKind { at: Box<Location>, kind: String },

    #[error("{at}: kind `{kind}` has apiVersion `{api_version}`, expected `{expected}`")]
    WrongApiVersion {
        at: Box<Location>,
        kind: String,
        api_version: String,
        expected: String,
    },

    #[error("{at}: duplicate object {object}: already defined in document {first_document}")]
    DuplicateObject {
        at: Box<Location>,
        object: String,
        first_document: usize,
    },

    #[error(
        "{source_name}: no Scenario document (a document with `apiVersion: {API_VERSION}` and `kind: Scenario` is required)"
    )]
    MissingScenario { source_name: String },

    #[error(
        "{at}: a second Scenario document (the first is document {first_document}); a file describes exactly one scenario"
    )]
    DuplicateScenario {
        at: Box<Location>,
        first_document: usize,
    },

    #[error(
        "{at}: namespace `{namespace}` is used but not defined in this file; add a Namespace object (apiVersion: v1, kind: Namespace, metadata.name: {namespace})"
    )]
    MissingNamespace {
        at: Box<Location>,
        /// Where it is used (`spec.namespace`, `metadata.namespace`).
        field: String,
        namespace: String,
    },

    #[error(
        "{at}: `{field}`: StatefulSet `{name}` is not defined in namespace `{namespace}` of this file (defined there: {defined})"
    )]
    UnknownStatefulSet {
        at: Box<Location>,
        field: String,
        namespace: String,
        name: String,
        defined: String,
    },

    #[error("{at}: `{field}`: {what} `{name}` {problem}")]
    UnknownReference {
        at: Box<Location>,
        field: String,
        what: String,
        name: String,
        problem: String,
    },

    #[error("unknown scenario `{name}`; valid names: {valid}, or a path to a .yaml/.yml file")]
    UnknownScenario { name: String, valid: String },

    #[error("{path}: cannot read scenario file: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "{at}: {object} is also defined in {other_source}; scenarios loaded together must not define the same object"
    )]
    Clash {
        at: Box<Location>,
        /// Where it is defined (`metadata.name`, `spec.storage[0].class`).
        field: String,
        other_source: String,
        object: String,
    },

    #[error(
        "{at}: `{field}`: {kind} `{name}` is not defined in any loaded scenario file (defined: {defined})"
    )]
    UnknownClusterObject {
        at: Box<Location>,
        field: String,
        kind: String,
        name: String,
        defined: String,
    },
}

impl ScenarioError {
    /// The location and field path of an error inside a document.
    pub(super) fn place(&mut self) -> Option<(&mut Location, &str)> {
        use ScenarioError::*;
        match self {
            Yaml { at, .. } | NotAMapping { at, .. } => Some((at, "")),
            UnknownKind { at, .. } | WrongApiVersion { at, .. } => Some((at, "kind")),
            DuplicateObject { at, .. } => Some((at, "metadata.name")),
            DuplicateScenario { at, .. } => Some((at, "kind")),
            MissingField { at, field }
            | InvalidField { at, field, .. }
            | MissingNamespace { at, field, .. }
            | UnknownStatefulSet { at, field, .. }
            | UnknownReference { at, field, .. }
            | Clash { at, field, .. }
            | UnknownClusterObject { at, field, .. } => Some((at, field)),
            MissingScenario { .. } | UnknownScenario { .. } | Io { .. } => None,
        }
    }

    /// The line and column the message points at, once located.
    pub fn line(&self) -> Option<(usize, usize)> {
        use ScenarioError::*;
        match self {
            Yaml { at, .. }
            | NotAMapping { at, .. }
            | UnknownKind { at, .. }
            | WrongApiVersion { at, .. }
            | DuplicateObject { at, .. }
            | DuplicateScenario { at, .. }
            | MissingField { at, .. }
            | InvalidField { at, .. }
            | MissingNamespace { at, .. }
            | UnknownStatefulSet { at, .. }
            | UnknownReference { at, .. }
            | Clash { at, .. }
            | UnknownClusterObject { at, .. } => at.line,
            MissingScenario { .. } | UnknownScenario { .. } | Io { .. } => None,
        }
    }

    /// Fills in the line and column from the file's text, when not yet known.
    pub(super) fn locate(mut self, text: &str) -> Self {
        if let Some((at, field)) = self.place()
            && at.line.is_none()
        {
            at.line = super::locate::line_of(text, at.document, field);
        }
        self
    }
}

fn supported_kinds() -> String {
    SUPPORTED_KINDS
        .iter()
        .map(|(k, _, _)| *k)
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn list_or_none<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> String {
    let v: Vec<String> = items.into_iter().map(|s| s.as_ref().to_string()).collect();
    if v.is_empty() {
        "none".to_string()
    } else {
        v.join(", ")
    }
}
