//! The page's logic without web types, tested natively: every setting and its encoding in the
//! link ([`settings`], [`codec`]), the playground session ([`session`]) with its pace and stops
//! ([`pace`]), the lecture's scenes ([`scenes`]), files in and out ([`files`], [`import`], with
//! [`class_labels`] for label columns of three to five classes), the run as Python to take home
//! ([`export`]), the colour scales and axis ticks ([`paint`], with [`class_paint`] for the
//! decision map of several classes, both in the colours of a [`palette`]), what the charts
//! draw ([`charts`]), the formulas with their numbers ([`maths`]), the last step for slow
//! motion ([`motion`]), undo and redo ([`undo`]) and the link's QR code ([`share`]).
//! [`limits`] is at the bottom: every other module may read it, and it reads none of them.

pub mod charts;
pub mod class_labels;
pub mod class_paint;
pub mod codec;
#[cfg(test)]
mod colour_vision;
pub mod export;
pub mod files;
pub mod import;
pub mod limits;
pub mod maths;
pub mod motion;
pub mod pace;
pub mod paint;
pub mod palette;
pub mod scenes;
pub mod session;
pub mod settings;
pub mod share;
#[cfg(test)]
mod simulate;
pub mod undo;
