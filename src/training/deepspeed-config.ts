/**
 * DeepSpeed ZeRO configurations for multi-GPU LoRA runs, after LLaMA-Factory's
 * examples/deepspeed/ds_z2_config.json and ds_z3_config.json. "auto" hands batch size,
 * accumulation, clipping and precision to the Hugging Face Trainer, so the YAML recipe stays the
 * single source of those values.
 *
 * ZeRO-2 shards optimizer state and gradients: enough for LoRA, whose trainable weights are small,
 * as long as the base model fits one GPU. ZeRO-3 also shards the base model's weights, for models
 * that do not fit one GPU in 16 bits; it does not combine with bitsandbytes 4-bit QLoRA in most
 * releases, which is why `planTraining` warns about that pairing.
 */
export type ZeroStage = 2 | 3;

export function deepspeedConfig(stage: ZeroStage): Record<string, unknown> {
  const shared = {
    train_batch_size: 'auto',
    train_micro_batch_size_per_gpu: 'auto',
    gradient_accumulation_steps: 'auto',
    gradient_clipping: 'auto',
    zero_allow_untested_optimizer: true,
    fp16: { enabled: 'auto', loss_scale: 0, loss_scale_window: 1000, initial_scale_power: 16, hysteresis: 2, min_loss_scale: 1 },
    bf16: { enabled: 'auto' },
  };
  if (stage === 2) {
    return {
      ...shared,
      zero_optimization: {
        stage: 2,
        allgather_partitions: true,
        allgather_bucket_size: 5e8,
        overlap_comm: false,
        reduce_scatter: true,
        reduce_bucket_size: 5e8,
        contiguous_gradients: true,
        round_robin_gradients: true,
      },
    };
  }
  return {
    ...shared,
    zero_optimization: {
      stage: 3,
      overlap_comm: false,
      contiguous_gradients: true,
      sub_group_size: 1e9,
      reduce_bucket_size: 'auto',
      stage3_prefetch_bucket_size: 'auto',
      stage3_param_persistence_threshold: 'auto',
      stage3_max_live_parameters: 1e9,
      stage3_max_reuse_distance: 1e9,
      // LoRA adapters must be saved as whole tensors, not shards, to be loadable elsewhere.
      stage3_gather_16bit_weights_on_model_save: true,
    },
  };
}
