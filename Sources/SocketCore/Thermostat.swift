/// The thermometer, the thermostat, THERMALERT and the temperature notifier (spec §4.5–§4.8).
///
/// A reading is taken every minute from 10 minutes after power-up; each reading drives the thermostat
/// and the rise/fall alerts. An enabled thermostat that gets no valid reading for 5 minutes switches the
/// socket off and says so once (the fail-safe of §4.6, §5 A68).
extension SocketCore {
    /// The calibrated temperature, whole degrees: raw − TEMPCAL (§4.5).
    var calibratedTemperature: Int? {
        guard case .celsius(let raw) = volatile.reading else { return nil }
        return Int((raw - Double(persistent.tempCal)).rounded())
    }

    /// `25C`, or why there is no number.
    var temperatureText: String {
        guard equipment.contains(.thermometer) else { return ReplyText.noSensor }
        switch volatile.reading {
        case nil: return ReplyText.notAvailable
        case .missing: return ReplyText.noSensor
        case .faulty: return ReplyText.sensorFault
        case .celsius: return ReplyText.celsius(calibratedTemperature ?? 0)
        }
    }

    mutating func temperatureTimerFired() {
        emit(.readTemperature)
        schedule(.temperatureReading, afterSeconds: Timing.temperatureInterval)
    }

    mutating func temperatureRead(_ reading: TemperatureReading) {
        guard !model.isLight else { return }
        // The probe at power-up only says whether the sensor is there: values count after the warm-up (§4.5).
        if case .celsius = reading, now < volatile.poweredUpAt.adding(seconds: Timing.temperatureWarmUp) {
            if volatile.reading != nil { volatile.reading = nil }
            return
        }
        volatile.reading = reading
        emit(.notice(.temperature(calibratedTemperature)))
        guard let t = calibratedTemperature else { return }
        if persistent.thermostatEnabled {
            // A valid reading ends a fault (control resumes at this reading, silently) and restarts the wait.
            volatile.thermostatFailed = false
            schedule(.thermostatFailSafe, afterSeconds: Timing.thermostatFailSafe)
        }
        runThermostat(t)
        checkTemperatureAlerts(t)
    }

    /// HEATING: off at T ≥ TEMPOFF, on below; COOLING: off at T ≤ TEMPOFF, on above (§5 A37).
    private mutating func runThermostat(_ t: Int) {
        guard persistent.thermostatEnabled else { return }
        let limit = persistent.tempOff
        let wantOn = persistent.thermostatMode == .heating ? t < limit : t > limit
        guard wantOn != persistent.mainRelayOn else { return }
        setMain(wantOn)
        if !wantOn, persistent.thermAlert {
            notifyAlertNumbers(ReplyText.thermAlert(tempOff: limit, temperature: t))
        }
    }

    /// Starts the fail-safe's wait when the thermostat is enabled (at power-up or by THERMOSTATON). The wait
    /// starts when readings are first expected: at the end of the 10-minute warm-up while that is ahead (an
    /// enabled thermostat is switched off at the earliest 15 minutes after power-up), at once otherwise.
    mutating func armThermostatFailSafe() {
        guard persistent.thermostatEnabled else { return }
        volatile.thermostatFailed = false
        let readingsExpected = max(now, volatile.poweredUpAt.adding(seconds: Timing.temperatureWarmUp))
        emit(.schedule(.thermostatFailSafe, at: readingsExpected.adding(seconds: Timing.thermostatFailSafe)))
    }

    /// THERMOSTATOFF: no more fail-safe, and no fault left over for a later THERMOSTATON.
    mutating func disarmThermostatFailSafe() {
        volatile.thermostatFailed = false
        emit(.cancelTimer(.thermostatFailSafe))
    }

    /// No valid reading for 5 minutes while enabled: socket OFF (cancelling a pending timer, as any
    /// thermostat switching does) and one SMS per fault. Until a valid reading comes the thermostat drives
    /// nothing, so manual ON/OFF stay as set.
    mutating func thermostatFailSafeExpired() {
        guard persistent.thermostatEnabled, !volatile.thermostatFailed else { return }
        volatile.thermostatFailed = true
        emit(.note("thermostat: no valid reading for 5 minutes, socket switched off"))
        setMain(false)
        notifyAlertNumbers(ReplyText.thermostatSensorFault)
    }

    /// One SMS when a threshold is crossed; re-armed once the temperature is back (§4.8).
    private mutating func checkTemperatureAlerts(_ t: Int) {
        if let rise = persistent.riseAlert {
            if t > rise, volatile.riseAlertArmed {
                volatile.riseAlertArmed = false
                notifyAlertNumbers(ReplyText.riseAlert(t))
            } else if t <= rise {
                volatile.riseAlertArmed = true
            }
        }
        if let fall = persistent.fallAlert {
            if t <= fall, volatile.fallAlertArmed {
                volatile.fallAlertArmed = false
                notifyAlertNumbers(ReplyText.fallAlert(t))
            } else if t > fall {
                volatile.fallAlertArmed = true
            }
        }
    }
}
