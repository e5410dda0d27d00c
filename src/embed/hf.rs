//! A Hugging Face model folder: `config.json`, `tokenizer.json`, `model.safetensors` (BERT or
//! XLM-R family: multilingual-e5-small/base, LaBSE, paraphrase-multilingual-MiniLM).

use std::collections::HashMap;
use std::path::Path;

use candle_core::{Device, Tensor};

use super::model::Config;
use super::tokenize::{self, Tok};
use super::weights::Store;
use super::{model_error, EResult};

/// What the folder holds, ready for `Encoder::init`.
pub(crate) struct HfDir {
    pub config: Config,
    pub store: Store,
    pub tokenizer: Tok,
    pub bos: u32,
    pub eos: u32,
}

/// The files read, in the order their bytes enter the digest.
pub(crate) const FILES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];

/// Reads the three files' bytes (already loaded by the caller, who digests them).
pub(crate) fn parse(dir: &Path, files: &[Vec<u8>; 3]) -> EResult<HfDir> {
    let mut config: Config =
        serde_json::from_slice(&files[0]).map_err(|e| model_error(format!("config.json: {e}")))?;
    if matches!(
        config.model_type.as_str(),
        "xlm-roberta" | "roberta" | "camembert"
    ) {
        config.position_offset = config.pad_token_id + 1;
    }
    let tokenizer = tokenize::from_json(&files[1])?;
    let bos = tokenizer.special(&["<s>", "[CLS]"]);
    let eos = tokenizer.special(&["</s>", "[SEP]"]);
    let (Some(bos), Some(eos)) = (bos, eos) else {
        return Err(model_error(
            "tokenizer.json has neither <s>/</s> nor [CLS]/[SEP]",
        ));
    };
    let tensors = candle_core::safetensors::load_buffer(&files[2], &Device::Cpu)
        .map_err(|e| model_error(format!("{}: {e}", dir.join(FILES[2]).display())))?;
    Ok(HfDir {
        store: Store {
            dense: hf_names(tensors),
            q4: HashMap::new(),
        },
        config,
        tokenizer,
        bos,
        eos,
    })
}

/// Names as the layers ask for them: without a `bert.`/`roberta.` model prefix, and older
/// checkpoints' LayerNorm `gamma`/`beta` as `weight`/`bias`.
fn hf_names(tensors: HashMap<String, Tensor>) -> HashMap<String, Tensor> {
    let prefixes = ["bert.", "roberta.", "xlm-roberta.", "model."];
    tensors
        .into_iter()
        .map(|(name, t)| {
            let bare = prefixes
                .iter()
                .find_map(|p| name.strip_prefix(p))
                .unwrap_or(&name);
            let renamed = match bare.rsplit_once('.') {
                Some((m, "gamma")) => format!("{m}.weight"),
                Some((m, "beta")) => format!("{m}.bias"),
                _ => bare.to_string(),
            };
            (renamed, t)
        })
        .collect()
}
