"""containerbench streamlit dashboard: a chart over generated data, the way a team would ship a small dashboard."""

import numpy as np
import pandas as pd
import streamlit as st

st.set_page_config(page_title="containerbench dashboard", layout="wide")
st.title("Synthetic service metrics")


@st.cache_data
def generate(days: int, seed: int) -> pd.DataFrame:
    """Daily request counts and latencies for three services, with weekly seasonality and noise."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2025-01-01", periods=days, freq="D")
    weekly = 1 + 0.3 * np.sin(np.arange(days) * 2 * np.pi / 7)
    frame = pd.DataFrame(
        {
            name: (base * weekly * rng.lognormal(0, 0.1, days)).round()
            for name, base in (("checkout", 12_000), ("search", 30_000), ("profile", 5_000))
        },
        index=index,
    )
    frame.index.name = "day"
    return frame


days = st.slider("Days", min_value=30, max_value=365, value=120, step=10)
seed = st.number_input("Seed", min_value=0, max_value=10_000, value=42)
data = generate(days, int(seed))
window = st.selectbox("Rolling mean (days)", [1, 7, 28], index=1)

st.line_chart(data.rolling(window, min_periods=1).mean())
st.subheader("Summary")
st.dataframe(data.describe().T.round(1))
