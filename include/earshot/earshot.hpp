// Umbrella header: everything in earshot that needs no third-party library. Backends that do
// (earshot/dsp/kiss_fft_backend.hpp) are included on their own.
#pragma once

#include "earshot/status.hpp"

#include "earshot/dsp/dct.hpp"
#include "earshot/dsp/decibel.hpp"
#include "earshot/dsp/fft_backend.hpp"
#include "earshot/dsp/frontend.hpp"
#include "earshot/dsp/mel_filterbank.hpp"
#include "earshot/dsp/mel_scale.hpp"
#include "earshot/dsp/normalize.hpp"
#include "earshot/dsp/real_fft.hpp"
#include "earshot/dsp/stft_framer.hpp"
#include "earshot/dsp/window.hpp"

// Host and device: WAV audio held in memory (earshot/io/npy.hpp and csv.hpp are host-only).
#include "earshot/io/wav.hpp"

// Neural-network layers and compile-time models (earshot/nn/eigen_backend.hpp needs Eigen and
// the thesis models in earshot/model/ are included on their own).
#include "earshot/nn/activations.hpp"
#include "earshot/nn/batch_normalization.hpp"
#include "earshot/nn/conv2d.hpp"
#include "earshot/nn/dense.hpp"
#include "earshot/nn/depthwise_conv2d.hpp"
#include "earshot/nn/flatten.hpp"
#include "earshot/nn/global_pooling.hpp"
#include "earshot/nn/model.hpp"
#include "earshot/nn/pooling.hpp"
#include "earshot/nn/quantization.hpp"
#include "earshot/nn/quantized_tensors.hpp"
#include "earshot/nn/residual.hpp"
#include "earshot/nn/separable_conv2d.hpp"
#include "earshot/nn/zero_padding2d.hpp"

// The streaming pipeline: audio blocks -> windows -> model -> votes -> decisions.
#include "earshot/pipeline/decision.hpp"
#include "earshot/pipeline/feature_windows.hpp"
#include "earshot/pipeline/level_meter.hpp"
#include "earshot/pipeline/monitor.hpp"
#include "earshot/pipeline/pipeline_status.hpp"
#include "earshot/pipeline/streaming_classifier.hpp"
#include "earshot/pipeline/voter.hpp"
