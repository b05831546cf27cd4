//! Decodes arbitrary bytes as a bulk update body and validates it, as the handler does.

#![no_main]

use followups::domain::update::validate_update;
use followups::domain::UpdateFollowUpsInput;
use libfuzzer_sys::fuzz_target;

/// The server's default maximum of ids per request.
const MAX_IDS: usize = 1000;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = serde_json::from_slice::<UpdateFollowUpsInput>(data) else {
        return;
    };
    match validate_update(input, MAX_IDS) {
        Ok(command) => {
            assert!(!command.follow_up_ids.is_empty());
            assert!(command.follow_up_ids.len() <= MAX_IDS);
        }
        Err(error) => {
            assert!(!error.to_string().is_empty());
        }
    }
});
