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
