//! Demo message templates: for every task type of a dealer, one default EMAIL and one
//! default TEXT template in each locale.

use crate::domain::template::{Locale, TemplateDraft, TemplateType};
use crate::domain::OpaqueId;
use crate::storage::{NewTemplate, Store, StoreError};

use super::demo_id;

/// Title and message of each template, by type and locale.
const CONTENT: [(TemplateType, Locale, &str, &str); 4] = [
    (
        TemplateType::Email,
        Locale::EnUs,
        "Following up on your visit",
        "Dear ${customerName}, we are following up on your recent visit. Reply or call us to \
         book a time that suits you.",
    ),
    (
        TemplateType::Email,
        Locale::FrCa,
        "Suivi de votre visite",
        "Bonjour ${customerName}, nous faisons le suivi de votre visite. Répondez-nous ou \
         appelez-nous pour prendre rendez-vous.",
    ),
    (
        TemplateType::Text,
        Locale::EnUs,
        "Follow-up text",
        "Hi ${customerName}, this is your service team. Reply to book a time.",
    ),
    (
        TemplateType::Text,
        Locale::FrCa,
        "Texto de suivi",
        "Bonjour ${customerName}, ici votre équipe de service. Répondez pour prendre rendez-vous.",
    ),
];

/// Creates the demo templates of every task type of one dealer.
pub async fn seed_templates(
    store: &dyn Store,
    dealer_uuid: &OpaqueId,
    task_types: &[String],
) -> Result<(), StoreError> {
    let dealer = store
        .find_dealer(dealer_uuid)
        .await?
        .ok_or_else(|| StoreError::not_found("dealer", dealer_uuid))?;
    for task_type in task_types {
        for (template_type, locale, title, message) in CONTENT {
            let label = format!("{task_type}/template/{template_type}/{}", locale.as_str());
            let draft = TemplateDraft {
                uuid: OpaqueId::from_trusted(demo_id(&label)),
                task_type_uuid: OpaqueId::from_trusted(task_type.clone()),
                template_type,
                is_default: true,
                multi: false,
                title: title.into(),
                message: message.into(),
                locale,
                is_freemarker_template: true,
            };
            let new = NewTemplate {
                dealer_id: dealer.id,
                draft,
            };
            store.create_template(new).await?;
        }
    }
    Ok(())
}
