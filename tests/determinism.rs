//! The reference run gives the same bits natively as in the browser (see tests/web.rs).

mod common {
    pub mod reference_run;
}

use common::reference_run::{fingerprint_of_run, reference_fingerprint, EXPECTED_FINGERPRINT};

#[test]
fn the_reference_run_has_the_pinned_fingerprint() {
    let fingerprint = reference_fingerprint();
    assert_eq!(fingerprint, EXPECTED_FINGERPRINT, "fingerprint {fingerprint:#x}");
}

/// The fingerprint sees the run (other seeds give another one), and nothing carries over from
/// one run to the next: the reference run after another one still gives the pinned bits.
#[test]
fn the_fingerprint_depends_on_the_seed_and_on_nothing_else() {
    let other = fingerprint_of_run(1);
    assert_ne!(other, EXPECTED_FINGERPRINT);
    assert_eq!(fingerprint_of_run(1), other);
    assert_eq!(reference_fingerprint(), EXPECTED_FINGERPRINT);
}
