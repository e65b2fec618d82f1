//! The page's logic without web types, tested natively: every setting and its encoding in the
//! link ([`settings`], [`codec`], and compare mode's second run in [`compare`]), the playground
//! session ([`session`]) with its pace and stops ([`pace`]) and its [`timeline`], the lecture's
//! scenes ([`scenes`]), files in and out ([`files`], [`import`], with [`class_labels`] for label
//! columns of three to five classes), the run as Python to take home ([`export`]), the colour
//! scales, axis ticks and contour levels ([`paint`], with [`class_paint`] for the decision map of
//! several classes, both in the colours of a [`palette`]), what the charts draw ([`charts`]), the
//! formulas with their numbers ([`maths`]), the last step for slow motion ([`motion`]), undo and
//! redo ([`undo`]), the link's QR code ([`share`]) and the loss-surface view ([`surface`]).
//! [`limits`] is at the bottom: every other module may read it, and it reads none of them.

pub mod charts;
pub mod class_labels;
pub mod class_paint;
pub mod codec;
#[cfg(test)]
mod colour_vision;
pub mod compare;
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
pub mod surface;
pub mod timeline;
pub mod undo;
