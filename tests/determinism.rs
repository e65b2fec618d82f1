//! The reference run gives the same bits natively as in the browser (see tests/web.rs).

mod common {
    pub mod reference_run;
}

#[test]
fn the_reference_run_has_the_pinned_fingerprint() {
    let fingerprint = common::reference_run::reference_fingerprint();
    assert_eq!(fingerprint, common::reference_run::reference_fingerprint());
    assert_eq!(
        fingerprint,
        common::reference_run::EXPECTED_FINGERPRINT,
        "fingerprint {fingerprint:#x}"
    );
}
