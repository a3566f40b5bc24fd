"""The workshop app's style sheet: large, plain type for a projector (1280x720 and up) and a phone
held upright (360 px and up).

The facilitator's screen is three columns that scroll on their own: the set-up (folded away in
projector mode), the header and the tabs (the header never takes more than about half the
height, so the tabs stay on screen), and a rail with the room's code, QR code and tables. A
phone's vote buttons are at least 48 px high, and "Leave this table" sits well apart from them.
Nothing is animated (no ripples, no transitions): a room of thirty phones voting at once spent
most of its time painting them, on the phones and on the laptop serving them.
"""

CSS = """
*, *::before, *::after { animation-duration: 0s !important; animation-delay: 0s !important;
  transition-duration: 0s !important; transition-delay: 0s !important; }
.v-ripple__container { display: none !important; }
html, body, .v-application { font-size: 15px; }
.v-application .v-btn { text-transform: none; letter-spacing: normal; font-size: 15px; }
.v-application .v-tab { text-transform: none; letter-spacing: normal; font-size: 15px;
  padding: 0 12px; min-width: 0; }
.ws-party .v-expansion-panel::before { box-shadow: none; }
.ws-party .v-expansion-panel { background: transparent !important; }
.ws-party .v-expansion-panel-header { min-height: 30px !important; padding: 2px 4px;
  font-size: 13px; color: #374151; }
.ws-party .v-expansion-panel-content__wrap { padding: 0 4px 6px 4px; }
.ws-party .v-btn-toggle .v-btn { height: 30px !important; font-size: 14px; }
.v-btn-toggle .v-btn.v-btn--active { background: #1d4ed8 !important; color: white !important; }
.v-window__container, .v-window-item, .v-window-x-transition-enter-active,
.v-window-x-transition-leave-active, .v-window-x-reverse-transition-enter-active,
.v-window-x-reverse-transition-leave-active { transition: none !important; }
.ws-side .v-text-field__details, .ws-side .v-messages { display: none; }
.ws-side .v-input { margin-bottom: 2px; }
.ws-grid2 { display: grid; grid-template-columns: 1fr 1fr; column-gap: 24px; }
.ws-grid2 .v-input { margin-top: 0; }
.ws-grid2 .v-input__slot { margin-bottom: 0; }
.ws-grid2 .v-messages { display: none; }
.ws-facts { display: grid; grid-template-columns: auto 1fr auto 1fr; gap: 2px 12px;
  font-size: 14px; margin: 6px 0; }
.ws-facts dt { color: #4b5563; } .ws-facts dd { margin: 0; font-weight: 500; }
.ws-shell { display: flex; flex-direction: row; height: 100vh; width: 100%; overflow: hidden; }
.ws-side { width: 320px; min-width: 320px; height: 100vh; overflow-y: auto; padding: 10px 14px;
  border-right: 1px solid #d0d4da; background: #f7f8fa; }
.ws-main { flex: 1; height: 100vh; min-width: 0; display: flex; flex-direction: column;
  padding: 8px 16px 0 16px; }
.ws-head { flex: 0 0 auto; max-height: 62vh; overflow-y: auto; padding-bottom: 4px; }
.ws-tabs { flex: 1 1 0; min-height: 0; overflow-y: auto; border-top: 1px solid #e3e6ea;
  padding-bottom: 16px; }
.ws-tabs .v-slide-group__prev, .ws-tabs .v-slide-group__next { display: none !important; }
.ws-tabs .v-slide-group__content { transform: none !important; }
.ws-rail { width: 280px; min-width: 280px; height: 100vh; overflow-y: auto; padding: 8px 12px;
  border-left: 1px solid #d0d4da; background: #fbfbfc; }
.ws-title { font-size: 20px; font-weight: 600; margin: 0; line-height: 1.3; }
.ws-sub { color: #4b5563; font-size: 14px; }
.ws-h { font-size: 16px; font-weight: 600; margin: 10px 0 4px 0; }
.ws-table { border-collapse: collapse; width: 100%; font-size: 14px; line-height: 1.35; }
.ws-table th { text-align: left; background: #eef0f3; padding: 5px 8px; font-weight: 600; }
.ws-table td { border-top: 1px solid #e3e6ea; padding: 5px 8px; vertical-align: top; }
.ws-table tr.ws-roomrow td { background: #fbf0f6; }
.ws-nowrap { white-space: nowrap; }
.ws-small { font-size: 13px; } .ws-small td, .ws-small th { padding: 2px 4px; }
.vote-yes { color: #047857; font-weight: 600; }
.vote-no { color: #c2410c; font-weight: 600; }
.vote-referred, .vote-awaiting { color: #a16207; font-weight: 600; }
.vote-other { color: #6b7280; }
.tone-agreed { color: #047857; font-weight: 600; }
.tone-blocked { color: #c2410c; font-weight: 600; }
.tone-waiting { color: #a16207; font-weight: 600; }
.ws-badge { display: inline-block; background: #a3306f; color: white; border-radius: 4px;
  padding: 0 5px; font-size: 12px; font-weight: 600; margin-left: 4px; vertical-align: 1px; }
.ws-stats { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 14px; margin: 4px 0 6px 0; }
.ws-stats b { font-size: 17px; }
.ws-story h4 { font-size: 15px; margin: 12px 0 4px 0; }
.ws-story p { margin: 2px 0; font-size: 14px; line-height: 1.35; }
.ws-story p.ind1 { padding-left: 14px; }
.ws-story p.ind2 { padding-left: 34px; color: #374151; }
.ws-story p.room { background: #fbf0f6; border-left: 4px solid #a3306f; color: #111; }
.ws-card { border: 2px solid #a3306f; border-radius: 8px; padding: 6px 12px; background: #fffafd;
  margin: 4px 0 6px 0; font-size: 14px; line-height: 1.35; }
.ws-card h3 { margin: 0 0 4px 0; font-size: 18px; }
.ws-note { color: #4b5563; font-size: 13px; }
.ws-error { color: #b91c1c; font-weight: 600; white-space: normal; overflow-wrap: anywhere; }
.ws-alert { background: #fef2f2; border-left: 4px solid #b91c1c; padding: 4px 8px; font-size: 14px;
  color: #7f1d1d; margin: 2px 0; }
.ws-wait { background: #fffbeb; border-left: 4px solid #a16207; padding: 4px 8px; font-size: 14px;
  margin: 2px 0; }
.ws-join { font-size: 15px; } .ws-join b { font-size: 24px; letter-spacing: 3px; }
.ws-qr svg { width: 112px; height: 112px; }
.ws-tables .ws-h { margin-top: 6px; }
.ws-table-row { font-size: 14px; line-height: 1.3; padding: 2px 0; border-top: 1px solid #eceef1; }
.ws-trow { display: flex; align-items: baseline; gap: 6px; }
.ws-tname { font-weight: 600; flex: 1 1 auto; min-width: 0; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; }
.ws-tstatus { white-space: nowrap; }
.ws-dots { letter-spacing: 1px; white-space: nowrap; }
.ws-on { color: #047857; } .ws-off { color: #9ca3af; }
.ws-table-row .v-btn.ws-agent-btn { height: 24px !important; padding: 0 4px; font-size: 13px;
  display: flex; margin-left: auto; }
.ws-titlebar { display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 14px; }
.ws-legend { margin: -2px 0 2px 0; }
.ws-join-row { display: flex; gap: 10px; align-items: flex-start; }
.ws-url { overflow-wrap: anywhere; }
.ws-roomvote { font-size: 13px; padding: 4px 10px; } .ws-roomvote h3 { font-size: 16px; }
.ws-roomvote .ws-vote-row { margin-top: 4px; }
.ws-roomvote .ws-vote-row .v-btn.ws-vote-btn { min-height: 40px; flex: 0 1 auto; }
.ws-phone-shell { max-width: 480px; margin: 0 auto; padding: 10px 12px 24px 12px;
  overflow-wrap: anywhere; }
.ws-phone .v-btn.ws-pick { justify-content: flex-start; width: 100%; height: auto !important;
  min-height: 48px; padding: 6px 12px; }
.ws-phone .v-btn.ws-pick .v-btn__content { white-space: normal; text-align: left; flex: 1 1 auto;
  line-height: 1.3; }
.ws-phone .v-btn.ws-big { min-height: 48px; }
.ws-phone .ws-card h3 { font-size: 17px; }
.ws-card .v-btn { max-width: 100%; } .ws-card .v-btn__content { white-space: normal; }
.ws-phone .ws-facts { grid-template-columns: auto 1fr; }
.ws-vote-row { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 8px; }
.ws-vote-row .v-btn.ws-vote-btn { flex: 1 1 120px; min-height: 48px; font-size: 16px;
  height: auto !important; padding: 8px 12px; }
.ws-phone .ws-vote-row .v-btn.ws-vote-btn { min-height: 52px; }
.ws-sending { margin-top: 6px; font-weight: 600; color: #374151; }
.ws-in { background: #ecfdf5; border-left: 4px solid #047857; padding: 6px 8px; margin: 2px 0; }
.ws-leave { margin-top: 48px; padding-top: 10px; border-top: 1px solid #e3e6ea; }
.ws-reconnect { position: fixed; left: 0; right: 0; top: 0; z-index: 100003; background: #fffbeb;
  border-bottom: 2px solid #a16207; padding: 6px 12px; font-size: 15px; text-align: center; }
.ws-party { border-top: 1px solid #e3e6ea; padding: 6px 0 2px 0; }
.ws-party-name { font-size: 14px; font-weight: 600; line-height: 1.25; }
.ws-dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
  margin-right: 6px; }
.ws-cols { display: flex; gap: 18px; flex-wrap: wrap; }
.ws-cols > div { flex: 1 1 380px; min-width: 0; }
.ws-diff td:first-child { white-space: nowrap; }
.ws-narrow { max-width: 720px; }
.ws-select { margin-top: 6px; }
"""
