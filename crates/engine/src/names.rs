//! Enums named by short keys (in links, files and menus): one macro writes their `ALL` list,
//! `key`, optional `label`, `Display` and `FromStr`, so no enum spells that trio out by hand.

use std::fmt;

/// The error for a name that is not one of an enum's keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName(pub String);

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown name '{}'", self.0)
    }
}

/// Gives a field-less enum `ALL` (its values in the listed order), `key()` (the short name
/// used in links and menu values), `label()` when labels are listed (the name shown to
/// people), `Display` (the key) and `FromStr` (from the key, else [`UnknownName`]).
///
/// ```
/// #[derive(Clone, Copy, Debug, PartialEq)]
/// enum Shape { Disc, Square }
/// nnplay_engine::keyed_enum!(Shape { Disc => "disc", "A disc"; Square => "square", "A square"; });
/// assert_eq!(Shape::ALL, [Shape::Disc, Shape::Square]);
/// assert_eq!("square".parse::<Shape>(), Ok(Shape::Square));
/// assert_eq!(Shape::Disc.to_string(), "disc");
/// assert_eq!(Shape::Disc.label(), "A disc");
/// ```
#[macro_export]
macro_rules! keyed_enum {
    ($ty:ident { $($variant:ident => $key:literal, $label:literal;)+ }) => {
        $crate::keyed_enum!($ty { $($variant => $key;)+ });
        impl $ty {
            /// The name shown to people.
            pub fn label(self) -> &'static str {
                match self { $($ty::$variant => $label),+ }
            }
        }
    };
    ($ty:ident { $($variant:ident => $key:literal;)+ }) => {
        impl $ty {
            /// Every value, in menu order.
            pub const ALL: [$ty; [$($key),+].len()] = [$($ty::$variant),+];
            /// The short name used in links and as the value of menu options.
            pub fn key(self) -> &'static str {
                match self { $($ty::$variant => $key),+ }
            }
        }
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.key())
            }
        }
        impl ::std::str::FromStr for $ty {
            type Err = $crate::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::ALL
                    .into_iter()
                    .find(|v| v.key() == s)
                    .ok_or_else(|| $crate::UnknownName(s.to_string()))
            }
        }
    };
}
