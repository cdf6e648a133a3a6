//! Pieces of UI every feature may use. They know nothing of any feature.

/// A message about the page as a whole.
pub mod alert;
/// A labelled input with its error message.
pub mod field;
/// Forms that post to a server function and are taken over by JavaScript.
pub mod form;
